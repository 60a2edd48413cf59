using System.CommandLine;
using VlmForge.Data.Datasets;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Training;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge train</c>: runs a workflow into a new run folder, or continues one with <c>--resume</c>.</summary>
public static class TrainCommand
{
    public const int ExitDiverged = 2;
    public const int ExitInterrupted = 130;

    public static Command Create()
    {
        var config = WorkflowSource.ConfigOption("The workflow to train (default: the config embedded at build time).");
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its newest checkpoint." };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("train", "Train a model: progress, metrics.jsonl, loss.png and checkpoints in runs/<name>/.") { config, resume, plugins };
        command.SetAction(parse =>
        {
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                // The first Ctrl+C asks for a clean stop with a checkpoint; a second one ends the process.
                if (cancellation.IsCancellationRequested) return;
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return Run(parse.GetValue(config), parse.GetValue(resume), parse.GetValue(plugins)!,
                    parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    public static int Run(string? configPath, string? resumeFolder, IEnumerable<string> pluginFolders,
        TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var plugins = WorkflowSource.LoadPlugins(pluginFolders);
        if (resumeFolder is not null)
        {
            // A new run's config load reports these with its other diagnostics; a resumed run's load does not print.
            foreach (var failure in plugins.Failures)
                error.WriteLine($"warning: {failure}");
        }
        var request = new TrainingRequest
        {
            Plugins = plugins,
            Log = output,
            Progress = new ConsoleTrainingProgress(output),
            Cancellation = cancellation,
            ResumeFolder = resumeFolder,
        };
        if (resumeFolder is null)
        {
            var loaded = WorkflowSource.Load(configPath, plugins, output, error);
            if (loaded is null) return 1;
            request = request with { Settings = loaded.Settings, ConfigSource = loaded.FileName, ConfigSha256 = loaded.Sha256 };
        }

        try
        {
            var result = TrainingSession.Run(request);
            var summary = result.Summary;
            output.WriteLine($"{summary.Outcome}: {summary.State.Step} steps, {summary.State.Update} updates in {summary.Elapsed:h\\:mm\\:ss}" +
                (summary.State.SkippedUpdates > 0 ? $", {summary.State.SkippedUpdates} skipped" : ""));
            if (summary.Message is { } message) output.WriteLine(message);
            if (result.Evaluation is { } evaluation)
            {
                output.WriteLine();
                EvaluationTable.Write(output, evaluation);
            }
            output.WriteLine($"run folder: {result.Folder.Path}");
            return summary.Outcome switch
            {
                TrainingOutcome.AbortedNonFinite => ExitDiverged,
                TrainingOutcome.Interrupted => ExitInterrupted,
                _ => 0,
            };
        }
        catch (Exception e) when (e is WorkflowException or DatasetFormatException or PluginNotFoundException or PluginRuntimeException
                                      or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
