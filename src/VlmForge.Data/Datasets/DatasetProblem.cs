namespace VlmForge.Data.Datasets;

/// <summary>Why a dataset line was not loaded. Each skipped line is counted under one reason.</summary>
public enum DatasetProblemKind
{
    InvalidJson,
    MissingField,
    WrongType,
    UnknownField,
    DuplicateField,
    EmptyValue,
    ImageMissing,
    ImageCorrupt,
    BoxInverted,
    BoxOutsideImage,
    InvalidEncoding,
    InvalidPath,
}

/// <summary>A bad dataset line: which file, which line (and column for JSON syntax errors), what and what to do.</summary>
public sealed record DatasetProblem(string File, int Line, int? Column, DatasetProblemKind Kind, string Message)
{
    public string Location => Column is int column ? $"{File}:{Line}:{column}" : $"{File}:{Line}";

    public override string ToString() => $"{Location}: {Message}";
}
