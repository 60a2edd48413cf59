namespace VlmForge.Data.Images;

/// <summary>
/// Per-channel (R, G, B) mean and standard deviation: a pixel value v in [0, 1] becomes (v - mean) / std.
/// Each model family declares the values its vision encoder was trained with.
/// </summary>
public sealed record ImageNormalization
{
    public ImageNormalization(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != 3 || std.Count != 3)
        {
            throw new ArgumentException($"Normalization needs 3 means and 3 standard deviations (R, G, B), got {mean.Count} and {std.Count}.", nameof(mean));
        }

        if (std.Any(s => !(s > 0)))
        {
            throw new ArgumentOutOfRangeException(nameof(std), "Every standard deviation must be positive.");
        }

        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    public IReadOnlyList<float> Mean { get; }

    public IReadOnlyList<float> Std { get; }

    /// <summary>Mean 0.5, std 0.5 (maps [0, 1] to [-1, 1]): SigLIP, Idefics3/SmolVLM, and the tiny model.</summary>
    public static ImageNormalization Symmetric { get; } = new([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>The OpenAI CLIP statistics used by Qwen2-VL and Qwen2.5-VL.</summary>
    public static ImageNormalization OpenAiClip { get; } =
        new([0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]);
}
