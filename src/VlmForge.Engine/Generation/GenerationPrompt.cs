using VlmForge.Data.Geometry;
using VlmForge.Data.Images;

namespace VlmForge.Engine.Generation;

/// <summary>One request: an image prepared for the model, what the user says, and whether the answer must be grounding JSON.</summary>
/// <param name="Image">The image at the model's size, normalized (<see cref="ImagePreprocessor"/>).</param>
/// <param name="UserText">The user's turn: a question or a task instruction.</param>
/// <param name="ConstrainGrounding">Decode under the grounding JSON constraint (<c>evaluation.constrain_json</c> for grounding prompts).</param>
public sealed record GenerationPrompt(PreparedImage Image, string UserText, bool ConstrainGrounding = false)
{
    /// <summary>Size of the original image, for mapping generated boxes back to its pixels; null when unknown.</summary>
    public ImageSize? OriginalSize { get; init; }

    /// <summary>A prompt for an image file: decoded, resized to the size <paramref name="boxes"/> gives the model (or split, when the preprocessor splits), normalized.</summary>
    public static GenerationPrompt FromImageFile(
        string imagePath, string userText, ImagePreprocessor preprocessor, BoxConvention boxes, bool constrainGrounding = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        ArgumentNullException.ThrowIfNull(userText);
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(boxes);
        using var bitmap = ImageDecoder.Decode(imagePath);
        var original = new ImageSize(bitmap.Width, bitmap.Height);
        return new GenerationPrompt(preprocessor.Prepare(bitmap, boxes), userText, constrainGrounding)
        {
            OriginalSize = original,
        };
    }
}
