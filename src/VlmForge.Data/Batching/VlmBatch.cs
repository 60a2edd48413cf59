using VlmForge.Data.Geometry;
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

    /// <summary>
    /// The size of each row's image when the batch's images differ in size: image b fills [b, :, :Height, :Width] of
    /// <see cref="PixelValues"/>, zeros around it. Null when every image has the tensor's size.
    /// </summary>
    public IReadOnlyList<ImageSize>? ImageSizes { get; init; }

    /// <summary>Real (unpadded) length of each row.</summary>
    public IReadOnlyList<int> Lengths { get; }

    public int BatchSize => Lengths.Count;

    public int SequenceLength => (int)InputIds.shape[1];

    /// <summary>
    /// The annotated regions of each row's image (model coordinates, phrase tokens), for a vision side that learns from
    /// grounding annotations; null when the batch carries none.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<RegionAnnotation>>? Regions { get; private set; }

    /// <summary>
    /// One loss weight per row for each of its answer tokens (<c>training.loss_weighting</c>); null: every answer token
    /// weighs the same (the plain token mean).
    /// </summary>
    public IReadOnlyList<float>? RowLossWeights { get; private set; }

    /// <summary>Attaches one loss weight per row (<see cref="RowLossWeights"/>); null keeps the token mean. Returns this batch.</summary>
    public VlmBatch WithRowLossWeights(IReadOnlyList<float>? weights)
    {
        if (weights is not null && weights.Count != BatchSize)
        {
            throw new ArgumentException($"{weights.Count} loss weights for a batch of {BatchSize} rows.", nameof(weights));
        }
        RowLossWeights = weights;
        return this;
    }

    /// <summary>Attaches one region list per row; returns this batch.</summary>
    public VlmBatch WithRegions(IReadOnlyList<IReadOnlyList<RegionAnnotation>> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        if (regions.Count != BatchSize)
        {
            throw new ArgumentException($"{regions.Count} region lists for a batch of {BatchSize} rows.", nameof(regions));
        }
        Regions = regions;
        return this;
    }

    public void Dispose()
    {
        PixelValues.Dispose();
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels.Dispose();
    }
}
