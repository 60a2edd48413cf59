namespace VlmForge.Data.Datasets;

/// <summary>Field names of a dataset line (see docs/dataset-format.md).</summary>
public static class DatasetFields
{
    public const string Id = "id";
    public const string Image = "image";
    public const string PhraseGrounding = "phrase_grounding";
    public const string QuestionAnswers = "qa";
    public const string Question = "question";
    public const string Answer = "answer";
    public const string Caption = "caption";

    /// <summary>Free-form data the loader keeps out of the way (source, licence, ...).</summary>
    public const string Meta = "meta";

    public static IReadOnlyList<string> All { get; } = [Id, Image, PhraseGrounding, QuestionAnswers, Caption, Meta];
}
