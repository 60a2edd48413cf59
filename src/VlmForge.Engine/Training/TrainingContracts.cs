using VlmForge.Data.Batching;
using static TorchSharp.torch;

namespace VlmForge.Engine.Training;

/// <summary>The training examples in a deterministic, seedable order that can be resumed at any step.</summary>
internal interface ITrainingData
{
    /// <summary>Examples per epoch.</summary>
    int Count { get; }

    /// <summary>The batch at <paramref name="stepInEpoch"/> of <paramref name="epoch"/> (0-based); the same arguments always give the same batch.</summary>
    VlmBatch Batch(int epoch, int stepInEpoch, int batchSize);
}

/// <summary>What the trainer needs from a model.</summary>
internal interface ITrainableModel
{
    /// <summary>Parameters the optimizer updates (fp32 master weights).</summary>
    IReadOnlyList<VlmForge.Abstractions.Optimizers.NamedParameter> TrainableParameters { get; }

    /// <summary>Switches dropout and the like on or off.</summary>
    void SetTraining(bool training);

    /// <summary>The batch's loss terms, fp32 scalars with a graph.</summary>
    TrainingLoss Loss(VlmBatch batch);
}

/// <summary>
/// What one batch costs: the language model's mean cross-entropy over its loss tokens, and the auxiliary loss a model's
/// vision side trains on (the tiny model's detector), if any. The optimizer minimises their sum; metrics report each.
/// </summary>
internal sealed record TrainingLoss(Tensor LanguageModel, Tensor? Auxiliary = null)
{
    /// <summary>The sum the gradients come from.</summary>
    public Tensor Objective => Auxiliary is null ? LanguageModel : LanguageModel + Auxiliary;
}
