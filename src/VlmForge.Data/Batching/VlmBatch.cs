using static TorchSharp.torch;

namespace VlmForge.Data.Batching;

/// <summary>Which end of a sequence padding goes to.</summary>
public enum PaddingSide
{
    /// <summary>Training: real tokens first, padding after.</summary>
    Right,

    /// <summary>Generation prompts: padding first, so every prompt ends at the last column and new tokens line up.</summary>
    Left,
}

/// <summary>
/// A model-ready batch: pixel_values [B,3,H,W] float32, input_ids [B,T] int64 (each image a run of
/// placeholder ids), attention_mask [B,T] int64 (1 = real token), labels [B,T] int64 (-100 = no loss;
/// all -100 for generation prompts). Owns its tensors.
/// </summary>
public sealed class VlmBatch : IDisposable
{
    internal VlmBatch(Tensor pixelValues, Tensor inputIds, Tensor attentionMask, Tensor labels, PaddingSide padding, int[] lengths)
    {
        PixelValues = pixelValues;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Labels = labels;
        Padding = padding;
        Lengths = lengths;
    }

    public Tensor PixelValues { get; }

    public Tensor InputIds { get; }

    public Tensor AttentionMask { get; }

    public Tensor Labels { get; }

    public PaddingSide Padding { get; }

    /// <summary>Real (unpadded) length of each row.</summary>
    public IReadOnlyList<int> Lengths { get; }

    public int BatchSize => Lengths.Count;

    public int SequenceLength => (int)InputIds.shape[1];

    public void Dispose()
    {
        PixelValues.Dispose();
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels.Dispose();
    }
}
