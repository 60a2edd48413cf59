namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// What one training sample feeds the model. Memory is planned for the longest sample (every batch is padded to its
/// longest, and the longest batch is the one that runs out of memory); time uses the mean.
/// </summary>
/// <param name="ImagesPerSample">Images per conversation (1 in VlmForge's single-image tasks).</param>
/// <param name="ImageTokensPerImage">Decoder placeholder tokens per image.</param>
/// <param name="VisionTokensPerImage">Tokens inside the vision encoder per image (patches, before merging).</param>
/// <param name="TextTokens">Text tokens of the longest sample (template, system prompt, instruction, answer).</param>
/// <param name="MeanTextTokens">Mean text tokens per sample.</param>
internal sealed record SequenceShape(int ImagesPerSample, int ImageTokensPerImage, int VisionTokensPerImage, int TextTokens, double MeanTextTokens)
{
    /// <summary>Decoder tokens of the longest sample.</summary>
    public int TokensPerSample => ImagesPerSample * ImageTokensPerImage + TextTokens;

    /// <summary>Mean decoder tokens per sample.</summary>
    public double MeanTokensPerSample => ImagesPerSample * ImageTokensPerImage + MeanTextTokens;
}
