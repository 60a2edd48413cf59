using VlmForge.Data.Datasets;

namespace VlmForge.Data.Tasks;

/// <summary>
/// One single-turn training or evaluation example cut from a record: what the user says, what the model
/// should answer (boxes already in the model's coordinates) and the references to score a prediction.
/// </summary>
public sealed record TaskExample
{
    public required DatasetRecord Record { get; init; }

    public required TaskKind Task { get; init; }

    public required string UserText { get; init; }

    /// <summary>The target text: grounding JSON in model coordinates, a short answer, or a caption.</summary>
    public required string Answer { get; init; }

    /// <summary>For VQA, which of the record's questions this is; otherwise 0.</summary>
    public int Index { get; init; }

    /// <summary>For grounding, the true grounding in original image pixels.</summary>
    public PhraseGrounding? ReferenceGrounding => Task == TaskKind.Grounding ? Record.Grounding : null;

    /// <summary>For VQA, the reference answer.</summary>
    public string? ReferenceAnswer => Task == TaskKind.Vqa ? Record.Questions[Index].Answer : null;

    /// <summary>For captions, every reference caption of the record.</summary>
    public IReadOnlyList<string> ReferenceCaptions => Task == TaskKind.Caption ? Record.Captions : [];
}
