using System.Globalization;
using System.Text.RegularExpressions;

namespace VlmForge.Engine.Runs;

/// <summary>
/// The folder a run writes: resolved config, metrics, plots, checkpoints and evaluation output. A new run never
/// reuses an existing folder; continuing one is what <c>--resume</c> is for.
/// </summary>
public sealed partial class RunFolder
{
    private RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>Absolute path of the run folder.</summary>
    public string Path { get; }

    /// <summary>The folder's name (the run name).</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    public string ConfigPath => Combine("config.toml");
    public string MetricsPath => Combine("metrics.jsonl");
    public string ValidationPath => Combine("validation.jsonl");
    public string LossPlotPath => Combine("loss.png");
    public string SummaryPath => Combine("summary.json");
    public string CheckpointsPath => Combine("checkpoints");
    public string ModelPath => Combine("model");
    public string EvaluationPath => Combine("eval");

    /// <summary>
    /// Written when training failed and the folder was kept because it holds checkpoints to continue from: the error and
    /// the newest checkpoint. Such a folder is not a finished run, so eval, generate, serve, report and compare refuse it;
    /// <c>train --resume</c> continues it and removes the file when it finishes.
    /// </summary>
    public string FailedPath => Combine("failed.json");

    /// <summary>Creates a fresh run folder under <paramref name="outputRoot"/>.</summary>
    /// <exception cref="IOException">The named folder already exists.</exception>
    public static RunFolder CreateNew(string outputRoot, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw new Pipeline.WorkflowException(
                $"run.name = \"{name}\" is not a valid folder name (it holds '/', a NUL or another character a file name cannot hold, or is . or ..). " +
                "Give a plain name, or leave it empty for an automatic one.");
        var path = System.IO.Path.Combine(outputRoot, name);
        if (Directory.Exists(path))
            throw new IOException(
                $"Run folder {path} already exists. Continue it with `vlmforge train --resume {path}` (a run stopped before its " +
                "first checkpoint starts over in its folder), " +
                "or set run.name to a new name (leave it empty for an automatic, numbered one).");
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>Opens an existing run folder (for resume, eval, generate, compare).</summary>
    /// <param name="path">The folder.</param>
    /// <param name="allowFailed">Open a run whose training failed (<see cref="FailedPath"/>); only resuming does.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist or holds no run.</exception>
    /// <exception cref="IOException">The run's training failed and it has not been continued (<see cref="FailedPath"/>).</exception>
    public static RunFolder Open(string path, bool allowFailed = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"Run folder {path} does not exist.");
        var folder = new RunFolder(path);
        if (!File.Exists(folder.ConfigPath))
            throw new DirectoryNotFoundException($"{path} is not a VlmForge run folder: it has no config.toml.");
        if (!allowFailed && File.Exists(folder.FailedPath))
            throw new IOException(
                $"{folder.Path} is not a finished run: its training failed ({RunFailure.Read(folder.FailedPath)}). Fix the cause, then continue it " +
                $"with `vlmforge train --resume {folder.Path}`, or delete the folder.");
        return folder;
    }

    /// <summary>
    /// The page's naming convention, [Task]-[Model Size]-[Key Settings]-v[Number], in lower case:
    /// the first free <c>v&lt;N&gt;</c> under <paramref name="outputRoot"/>, e.g. <c>grounding-medium-lora-nf4-v1</c>.
    /// </summary>
    public static string AutomaticName(string outputRoot, string task, string size, string trainingMode, string quantization)
    {
        var stem = string.Join('-', new[] { task, size, trainingMode, quantization == "none" ? null : quantization }
            .Where(part => !string.IsNullOrEmpty(part))).ToLowerInvariant();
        int next = 1;
        if (Directory.Exists(outputRoot))
        {
            foreach (var dir in Directory.EnumerateDirectories(outputRoot))
            {
                var match = VersionSuffix().Match(System.IO.Path.GetFileName(dir));
                if (match.Success && match.Groups["stem"].Value == stem)
                    next = Math.Max(next, int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) + 1);
            }
        }
        return $"{stem}-v{next}";
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    [GeneratedRegex(@"^(?<stem>.+)-v(?<n>\d+)$")]
    private static partial Regex VersionSuffix();
}
