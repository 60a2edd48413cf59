using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Datasets;

/// <summary>
/// One valid line of a dataset file: an image and what is known about it. Boxes are absolute pixels of
/// the original image and were checked against its size.
/// </summary>
public sealed record DatasetRecord
{
    /// <summary>The .jsonl file this record came from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line number in <see cref="SourceFile"/>.</summary>
    public required int LineNumber { get; init; }

    /// <summary>The record's "id", or "&lt;file name&gt;:&lt;line&gt;" when it has none.</summary>
    public required string Id { get; init; }

    /// <summary>The image path as written in the file (relative to the file's folder).</summary>
    public required string ImageReference { get; init; }

    /// <summary>The full path of the image.</summary>
    public required string ImagePath { get; init; }

    /// <summary>Size of the original image, read from its header at load time.</summary>
    public required ImageSize ImageSize { get; init; }

    public PhraseGrounding? Grounding { get; init; }

    public IReadOnlyList<QuestionAnswer> Questions { get; init; } = [];

    /// <summary>Reference captions; the first one is the training target, all are BLEU references.</summary>
    public IReadOnlyList<string> Captions { get; init; } = [];

    /// <summary>Where this record is, for messages: "file:line".</summary>
    public string Location => $"{SourceFile}:{LineNumber}";
}
