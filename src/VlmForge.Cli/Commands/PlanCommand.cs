using System.CommandLine;
using VlmForge.Abstractions.Settings;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Tiny;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge plan</c>: the memory (and rough time) a workflow's training step needs, term by term; with
/// <c>--gpu-memory</c>, how it fits and the page's remedies in order when it does not. Exits 1 when the config is invalid
/// or cannot be planned.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The workflow to plan.", DefaultValueFactory = _ => "vlmforge.toml" };
        var gpu = new Option<double?>("--gpu-memory")
        {
            Description = "The GPU's memory in GB as cards are sold (24 for a 24 GB card; GPU memory is sized in GiB, 2^30 bytes).",
        };
        var tflops = new Option<double>("--tflops")
        {
            Description = "Sustained 16-bit TFLOP/s of the GPU for the time estimate.",
            DefaultValueFactory = _ => PlanOptions.DefaultSustainedTflops,
        };
        var format = new Option<string>("--format") { Description = "text (a readable table) or json (for tools).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var plugins = WorkflowSource.PluginFoldersOption();

        var command = new Command("plan", "Estimate a workflow's GPU memory and training time, term by term, and what to change when it does not fit.")
        {
            config, gpu, tflops, format, plugins,
        };
        command.SetAction(parse => Run(
            parse.GetValue(config)!, parse.GetValue(gpu), parse.GetValue(tflops), parse.GetValue(format) == "json",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(plugins)));
        return command;
    }

    public static int Run(string path, double? gpuMemory, double tflops, bool json, TextWriter output, TextWriter error,
        IEnumerable<string>? pluginFolders = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (gpuMemory is double gib && !(gib > 0 && double.IsFinite(gib)))
        {
            error.WriteLine($"--gpu-memory must be a positive number of GB, got {gib}.");
            return 1;
        }
        if (!(tflops > 0 && double.IsFinite(tflops)))
        {
            error.WriteLine($"--tflops must be a positive number, got {tflops}.");
            return 1;
        }

        // The plugins the workflow names are checked against what is installed, and their tables are validated.
        using var catalog = WorkflowSource.LoadPlugins(pluginFolders ?? []);
        var result = WorkflowLoader.LoadFile(path, catalog);
        if (result.Settings is not { } settings)
        {
            foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                error.WriteLine(diagnostic.ToString());
            error.WriteLine($"{path}: fix the errors above (`vlmforge check` lists them with advice) before planning.");
            return 1;
        }

        if (result.FamilyDefaultsNote is { } note && !json) output.WriteLine(note);
        // With --format json the standard output is the plan alone (scripts parse it); the warning goes to stderr.
        if (PrecisionAdvice.Warning(settings) is { } slow)
            (json ? error : output).WriteLine($"warning: {slow}");

        WorkflowPlan plan;
        try
        {
            plan = WorkflowPlan.Create(settings, catalog.Quantizer, new PlanOptions { GpuMemoryGiB = gpuMemory, SustainedTflops = tflops }, path);
        }
        catch (PlanningException e)
        {
            // Point at the setting in the file when the planner names one.
            var where = e.KeyPath is { } key && result.Root is { } root ? $"{root.LocationOf(key)}: {key}" : path;
            error.WriteLine($"{where}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is InvalidModelConfigException or IOException)
        {
            error.WriteLine($"{path}: {e.Message}");
            return 1;
        }
        output.Write(json ? plan.ToJson() + Environment.NewLine : plan.ToText());
        return 0;
    }
}
