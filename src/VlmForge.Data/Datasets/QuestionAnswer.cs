namespace VlmForge.Data.Datasets;

/// <summary>One visual question and its reference answer.</summary>
public sealed record QuestionAnswer(string Question, string Answer);
