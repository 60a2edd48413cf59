using VlmForge.Abstractions.IO;

namespace VlmForge.Settings.Advice;

/// <summary>The number of training images and where the number comes from.</summary>
/// <param name="Images">Training records (one per image).</param>
/// <param name="Source">What was counted, for messages: a file, or the synthetic count.</param>
public sealed record DatasetSize(int Images, string Source)
{
    /// <summary>
    /// Counts the records of the training file when it exists (dataset.path is a .jsonl file, or a folder holding
    /// train.jsonl); otherwise, for a synthetic dataset, the images it will generate; otherwise nothing is known.
    /// </summary>
    public static DatasetSize? Measure(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = settings.ResolvePath(settings.Dataset.Path);
        var trainFile = Directory.Exists(path) ? Path.Combine(path, "train.jsonl") : path;
        // Only a regular file is counted: a FIFO named train.jsonl would block `check` forever, a device never end.
        if (FileKinds.Of(trainFile) == FileKind.File && trainFile.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            int count = 0;
            try
            {
                foreach (var line in File.ReadLines(trainFile))
                {
                    if (!string.IsNullOrWhiteSpace(line)) count++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;   // advice only: `train` reports the unreadable file itself
            }
            return new DatasetSize(count, $"{count} records in {settings.Dataset.Path}{(trainFile == path ? "" : "/train.jsonl")}");
        }
        if (settings.Dataset.Synthetic != SyntheticDataset.None)
        {
            var count = settings.Dataset.SyntheticCount;
            return new DatasetSize(count, $"dataset.synthetic_count = {count}");
        }
        return null;
    }
}
