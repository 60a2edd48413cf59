using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Cli.Commands;

/// <summary>A generated grounding answer with its boxes moved from the model's image to the original image's pixels.</summary>
public static class GroundingAnswers
{
    /// <summary>The answer in <paramref name="original"/>'s pixels, or null with the parser's <paramref name="error"/> when it is not grounding JSON.</summary>
    public static PhraseGrounding? InImagePixels(string text, BoxConvention boxes, ImageSize original, out GroundingFormatError? error)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var parsed = GroundingAnswerParser.Parse(text);
        error = parsed.Error;
        return parsed.Value?.MapBoxes(box => boxes.ToOriginal(box, original));
    }
}
