namespace VlmForge.Data.Datasets;

/// <summary>How many lines loaded and how many were skipped, by reason.</summary>
public sealed record DatasetLoadSummary(string File, int Loaded, IReadOnlyDictionary<DatasetProblemKind, int> SkippedByReason)
{
    public int Skipped => SkippedByReason.Values.Sum();

    public override string ToString()
    {
        if (Skipped == 0)
        {
            return $"{File}: {Loaded} records loaded";
        }

        string reasons = string.Join(", ", SkippedByReason.OrderBy(p => p.Key).Select(p => $"{p.Value} {Describe(p.Key)}"));
        return $"{File}: {Loaded} records loaded, {Skipped} skipped ({reasons})";
    }

    private static string Describe(DatasetProblemKind kind) => kind switch
    {
        DatasetProblemKind.InvalidJson => "invalid JSON",
        DatasetProblemKind.MissingField => "missing field",
        DatasetProblemKind.WrongType => "wrong type",
        DatasetProblemKind.UnknownField => "unknown field",
        DatasetProblemKind.DuplicateField => "duplicate field",
        DatasetProblemKind.EmptyValue => "empty value",
        DatasetProblemKind.ImageMissing => "missing image",
        DatasetProblemKind.ImageCorrupt => "corrupt image",
        DatasetProblemKind.BoxInverted => "inverted box",
        DatasetProblemKind.BoxOutsideImage => "box outside the image",
        DatasetProblemKind.InvalidEncoding => "not UTF-8",
        DatasetProblemKind.InvalidPath => "unusable image path",
        _ => kind.ToString(),
    };
}

/// <summary>The records of one dataset file and every problem met while reading it.</summary>
public sealed record DatasetLoadResult(IReadOnlyList<DatasetRecord> Records, IReadOnlyList<DatasetProblem> Problems, DatasetLoadSummary Summary);
