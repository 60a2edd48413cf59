using static TorchSharp.torch;

namespace VlmForge.Abstractions.Optimizers;

/// <summary>Updates parameters from their gradients. Gradients are zeroed by the engine, not the optimizer.</summary>
public interface IOptimizer : IDisposable
{
    /// <summary>Number of updates applied so far.</summary>
    long StepCount { get; }

    /// <summary>Applies one update from each parameter's <c>.grad</c> at <paramref name="learningRate"/> (the schedule's current value).</summary>
    void Step(double learningRate);

    /// <summary>
    /// The optimizer's state as named tensors (for example <c>&lt;param&gt;.exp_avg</c>), so checkpoints can store it
    /// as safetensors. The tensors are copies the caller owns.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> SaveState();

    /// <summary>Restores state written by <see cref="SaveState"/>; resuming must continue bit for bit.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> state);
}
