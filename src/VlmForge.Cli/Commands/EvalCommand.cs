using System.CommandLine;
using VlmForge.Data.Datasets;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge eval runs/x</c>: generation on the validation split with the run's [evaluation] settings; metrics and files.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run folder to evaluate." };
        var outFolder = new Option<string?>("--out") { Description = "Where predictions.jsonl, metrics.json and overlays go (default: <run>/eval)." };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("eval", "Evaluate a trained run on its validation split: grounding F1/IoU, VQA accuracy, caption BLEU.")
        {
            run, outFolder, plugins,
        };
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(outFolder), parse.GetValue(plugins)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string runPath, string? outFolder, IEnumerable<string> pluginFolders, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            using var plugins = WorkflowSource.LoadPlugins(pluginFolders);
            using var context = RunLoader.Open(runPath, plugins, output);
            var validation = context.Dataset!.Validation;
            if (validation.Count == 0)
            {
                error.WriteLine($"error: the dataset of {runPath} has no validation examples (set dataset.validation_split or a validation file).");
                return 1;
            }
            var report = RunEvaluation.Evaluator(context).Evaluate(validation, outFolder ?? context.Folder.EvaluationPath);
            EvaluationTable.Write(output, report);
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or DatasetFormatException or PluginNotFoundException
                                      or PluginRuntimeException or IOException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
