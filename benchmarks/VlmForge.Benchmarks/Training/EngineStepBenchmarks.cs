using BenchmarkDotNet.Attributes;
using TorchSharp.Modules;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Benchmarks.Training;

/// <summary>
/// One optimizer step of the engine (<see cref="TrainingRig.EngineStep"/>) against the smallest hand-written TorchSharp
/// loop that trains the same model on the same data: the tiny preset built as the engine builds it, full fine-tuning,
/// fp32, batch 16 (the first 16 examples, collated by the engine's <c>ExampleBatches</c> in both), AdamW with the same
/// hyperparameters. Goal: the engine at most 5% slower (Ratio of Engine &lt;= 1.05).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class EngineStepBenchmarks
{
    private TrainingRig _rig = null!;
    private OptimizerHelper _handOptimizer = null!;

    [GlobalSetup(Target = nameof(HandWrittenLoop))]
    public void SetupHandWritten()
    {
        _rig = new TrainingRig(TrainingVariant.FullFp32);
        var parameters = _rig.Model.TrainableParameters().Select(p => p.Parameter).ToArray();
        _handOptimizer = optim.AdamW(parameters, lr: TrainingRig.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8,
            weight_decay: TrainingRig.Hyperparameters.WeightDecay);
        _rig.Model.train(true);
    }

    [GlobalSetup(Target = nameof(Engine))]
    public void SetupEngine() => _rig = new TrainingRig(TrainingVariant.FullFp32);

    /// <summary>Forward, cross-entropy on the labels, backward, torch.optim.AdamW, zero_grad, in a dispose scope.</summary>
    [Benchmark(Baseline = true, Description = "Hand-written TorchSharp step, batch 16, fp32")]
    public float HandWrittenLoop()
    {
        using var scope = NewDisposeScope();
        using var batch = _rig.Data.Batch(0, 0, TrainingRig.BatchSize);
        var logits = _rig.Model.Forward(new VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask)).Logits;
        long length = logits.shape[1], vocab = logits.shape[2];
        // Position t predicts token t+1; -100 marks tokens that take no loss.
        var loss = nn.functional.cross_entropy(
            logits.narrow(1, 0, length - 1).reshape(-1, vocab), batch.Labels.narrow(1, 1, length - 1).reshape(-1),
            ignore_index: VlmInputs.IgnoreIndex);
        loss.backward();
        _handOptimizer.step();
        _handOptimizer.zero_grad();
        return loss.item<float>();
    }

    [Benchmark(Description = "Engine step (Trainer), batch 16, fp32")]
    public long Engine() => _rig.EngineStep();

    [GlobalCleanup]
    public void Cleanup()
    {
        _handOptimizer?.Dispose();
        _rig.Dispose();
    }
}
