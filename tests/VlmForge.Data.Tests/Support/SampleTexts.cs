using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Tests.Support;

/// <summary>A small corpus like the shapes dataset's, for tokenizer tests.</summary>
public static class SampleTexts
{
    public const string System = "You are a precise visual assistant.";

    public static readonly string GroundingAnswer = GroundingJsonWriter.Write(new PhraseGrounding(
        "a red circle to the left of a blue square",
        [
            new GroundedPhrase("a red circle", [new BoundingBox(3, 10, 20, 27)]),
            new GroundedPhrase("a blue square", [new BoundingBox(30, 5, 64, 40)]),
        ]));

    public static IReadOnlyList<string> Corpus { get; } =
    [
        System,
        "Describe the image in one sentence and ground each phrase with its boxes as JSON.",
        GroundingAnswer,
        "How many shapes are there?",
        "2",
        "What color is the circle?",
        "red",
        "What shape is the blue object?",
        "square",
        "Is the red circle on the left or the right?",
        "left",
        "A red circle to the left of a blue square on a gray background.",
    ];
}
