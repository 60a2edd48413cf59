using static TorchSharp.torch;

namespace VlmForge.Engine.Training;

/// <summary>One collated batch in the model input convention (see docs: LLaVA-style image placeholders).</summary>
public sealed class TrainingBatch : IDisposable
{
    public TrainingBatch(Tensor pixelValues, Tensor inputIds, Tensor attentionMask, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(labels);
        PixelValues = pixelValues;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Labels = labels;
    }

    /// <summary>[B,3,H,W] float32, normalized.</summary>
    public Tensor PixelValues { get; }

    /// <summary>[B,T] int64 with image placeholder runs.</summary>
    public Tensor InputIds { get; }

    /// <summary>[B,T] 1 for real tokens, 0 for padding.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>[B,T] int64; -100 where no loss is taken.</summary>
    public Tensor Labels { get; }

    public int Examples => (int)InputIds.shape[0];

    /// <summary>Real (unpadded) input tokens.</summary>
    public long InputTokens => AttentionMask.sum().item<long>();

    /// <summary>Tokens that carry loss.</summary>
    public long LossTokens => Labels.ne(-100).sum().item<long>();

    public void Dispose()
    {
        PixelValues.Dispose();
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels.Dispose();
    }
}

/// <summary>The training examples in a deterministic, seedable order that can be resumed at any step.</summary>
public interface ITrainingData
{
    /// <summary>Examples per epoch.</summary>
    int Count { get; }

    /// <summary>The batch at <paramref name="stepInEpoch"/> of <paramref name="epoch"/> (0-based); the same arguments always give the same batch.</summary>
    TrainingBatch Batch(int epoch, int stepInEpoch, int batchSize);
}

/// <summary>What the trainer needs from a model.</summary>
public interface ITrainableModel
{
    /// <summary>Parameters the optimizer updates (fp32 master weights).</summary>
    IReadOnlyList<VlmForge.Abstractions.Optimizers.NamedParameter> TrainableParameters { get; }

    /// <summary>Switches dropout and the like on or off.</summary>
    void SetTraining(bool training);

    /// <summary>Mean cross-entropy over the batch's loss tokens, as an fp32 scalar with a graph.</summary>
    Tensor Loss(TrainingBatch batch);
}
