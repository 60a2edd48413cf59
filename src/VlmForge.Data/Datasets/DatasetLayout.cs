namespace VlmForge.Data.Datasets;

/// <summary>
/// Where a dataset's splits live. dataset.path is either a .jsonl file (training only) or a folder with
/// train.jsonl and, optionally, validation.jsonl.
/// </summary>
public sealed record DatasetLayout(string TrainFile, string? ValidationFile)
{
    public const string TrainFileName = "train.jsonl";
    public const string ValidationFileName = "validation.jsonl";

    public static DatasetLayout FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return new DatasetLayout(path, null);
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException(
                $"Dataset '{path}' does not exist. Point dataset.path at a .jsonl file or a folder with {TrainFileName}, or make the demo data with `vlmforge data synth --out {path}`.");
        }

        string train = Path.Combine(path, TrainFileName);
        if (!File.Exists(train))
        {
            throw new FileNotFoundException(
                $"Dataset folder '{path}' has no {TrainFileName}. Add one (format: docs/dataset-format.md) or make the demo data with `vlmforge data synth --out {path}`.",
                train);
        }

        string validation = Path.Combine(path, ValidationFileName);
        return new DatasetLayout(train, File.Exists(validation) ? validation : null);
    }
}
