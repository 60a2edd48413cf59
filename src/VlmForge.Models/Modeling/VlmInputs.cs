using static TorchSharp.torch;

namespace VlmForge.Models.Modeling;

/// <summary>
/// One batch in the LLaVA convention: each image is a run of <c>ImageTokenCount</c> placeholder tokens in
/// <see cref="InputIds"/>, replaced in order by the image's projected features.
/// </summary>
/// <param name="PixelValues">Images [N, 3, H, W] float32 normalized, or null when the batch has no image.</param>
/// <param name="InputIds">Tokens [B, T] int64.</param>
/// <param name="AttentionMask">[B, T], 1 for real tokens and 0 for padding (any integer or bool dtype); null = all real.</param>
/// <param name="Labels">[B, T] int64 targets, -100 where no loss is taken; null when only logits are wanted.</param>
/// <param name="Regions">Annotated regions of each image (one list per image of <paramref name="PixelValues"/>), for models
/// whose vision side learns from them (the tiny model's grounding detector); null when there is no such supervision.</param>
/// <param name="ImageSizes">The real size of each image when the images of <paramref name="PixelValues"/> differ in size: image i
/// fills [:, :Height, :Width] of its slot and the rest is padding (a family that sizes every image on its own, Qwen2.5-VL,
/// reads only that part). Null when every image fills the whole tensor.</param>
public sealed record VlmInputs(
    Tensor? PixelValues, Tensor InputIds, Tensor? AttentionMask = null, Tensor? Labels = null,
    IReadOnlyList<IReadOnlyList<Detection.ImageRegion>>? Regions = null,
    IReadOnlyList<ImageExtent>? ImageSizes = null)
{
    /// <summary>
    /// [B] float32: each row's weight for every one of its answer tokens, the loss being the weighted sum of token losses
    /// (the weights sum to one over the batch's answer tokens). Null: the plain mean over answer tokens.
    /// </summary>
    public Tensor? RowLossWeights { get; init; }

    /// <summary>Label value that takes no loss (Hugging Face's ignore index).</summary>
    public const long IgnoreIndex = -100;
}

/// <summary>Height and width, in pixels, of one image inside a padded pixel tensor.</summary>
public readonly record struct ImageExtent(int Height, int Width);
