using System.CommandLine;
using VlmForge.Data.Datasets;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge eval runs/x [--data F] [--max-examples N]</c>: generation on the validation split (or any dataset in the
/// run's format) with the run's [evaluation] settings; metrics and files.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run folder to evaluate." };
        var data = new Option<string?>("--data")
        {
            Description = "Evaluate on this dataset instead of the run's validation split: a .jsonl file, or a folder with test.jsonl or validation.jsonl.",
        };
        var maxExamples = new Option<int?>("--max-examples") { Description = "Evaluate the first N examples (0 = all); overrides evaluation.max_examples." };
        var outFolder = new Option<string?>("--out")
        {
            Description = "Where predictions.jsonl, metrics.json and overlays go (default: <run>/eval, or <run>/eval-<data name> with --data).",
        };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("eval", "Evaluate a trained run on its validation split or any dataset: grounding F1/IoU, VQA accuracy, caption BLEU.")
        {
            run, data, maxExamples, outFolder, plugins,
        };
        command.SetAction(parse => Run(new Request(parse.GetValue(run)!, parse.GetValue(data), parse.GetValue(maxExamples), parse.GetValue(outFolder),
            parse.GetValue(plugins)!), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What to evaluate.</summary>
    /// <param name="Run">The run folder.</param>
    /// <param name="Data">A dataset file or folder; null: the run's validation split.</param>
    /// <param name="MaxExamples">Overrides <c>evaluation.max_examples</c>; null keeps it.</param>
    /// <param name="OutFolder">Where the files go; null: the default.</param>
    /// <param name="PluginFolders">Extra plugin folders.</param>
    public sealed record Request(string Run, string? Data, int? MaxExamples, string? OutFolder, IEnumerable<string> PluginFolders);

    public static int Run(Request request, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (request.MaxExamples is < 0)
        {
            error.WriteLine("error: --max-examples must be 0 (all) or more.");
            return 1;
        }
        try
        {
            using var plugins = WorkflowSource.LoadPlugins(request.PluginFolders);
            // With --data the run's own dataset is not needed (it may not even be on this machine).
            using var context = RunLoader.Open(request.Run, plugins, request.Data is null ? output : null);
            var examples = request.Data is { } data
                ? WorkflowDataset.LoadForEvaluation(context.Settings, new RunConventions(context.Conventions, context.ModelImage), data, output)
                : context.Dataset!.Validation;
            if (examples.Count == 0)
            {
                error.WriteLine($"error: the dataset of {request.Run} has no validation examples (set dataset.validation_split or a validation file, or pass --data).");
                return 1;
            }
            string folder = request.OutFolder
                ?? (request.Data is { } named ? Path.Combine(context.Folder.Path, "eval-" + DataName(named)) : context.Folder.EvaluationPath);
            var report = RunEvaluation.Evaluator(context, request.MaxExamples).Evaluate(examples, folder);
            EvaluationTable.Write(output, report);
            output.WriteLine($"report: {RunReport.Write(context.Folder, folder)}");
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or DatasetFormatException or PluginNotFoundException
                                      or PluginRuntimeException or IOException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary><c>data/test.jsonl</c> -> <c>test</c>; <c>data/coco-val/</c> -> <c>coco-val</c>.</summary>
    private static string DataName(string path) =>
        File.Exists(path) ? Path.GetFileNameWithoutExtension(path) : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
}
