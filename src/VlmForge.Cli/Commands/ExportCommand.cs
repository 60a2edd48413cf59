using System.CommandLine;
using VlmForge.Data.Datasets;
using VlmForge.Engine.Export;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Models.Peft;
using VlmForge.Models.StateDicts;
using VlmForge.Settings.Loading;
using static TorchSharp.torch;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge export runs/x --merged --out folder</c>: the run's model as a plain Hugging Face snapshot with LoRA merged,
/// checked against the adapter model before it is kept.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run folder to export." };
        var merged = new Option<bool>("--merged") { Description = "Merge the LoRA adapter into the base weights (the only export; the PEFT adapter is already in <run>/model)." };
        var outFolder = new Option<string?>("--out") { Description = "The new snapshot folder (default: <run>/merged)." };
        var examples = new Option<int>("--check-examples") { Description = "Validation examples whose logits the check compares.", DefaultValueFactory = _ => 4 };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype: auto (the base snapshot's), bf16, fp16 or fp32.", DefaultValueFactory = _ => "auto" };
        var shard = new Option<double>("--max-shard-mb") { Description = "Largest safetensors shard in MiB (fractions allowed).", DefaultValueFactory = _ => 2048 };
        var tolerance = new Option<double?>("--tolerance") { Description = "Largest allowed relative logit difference (default 1e-4 in fp32, 5e-2 with 16-bit weights or compute)." };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("export", "Export a trained run as a Hugging Face snapshot with LoRA merged, checked against the adapter model.")
        {
            run, merged, outFolder, examples, dtype, shard, tolerance, plugins,
        };
        command.SetAction(parse => Run(
            parse.GetValue(run)!, parse.GetValue(merged), parse.GetValue(outFolder), parse.GetValue(examples), parse.GetValue(dtype)!,
            parse.GetValue(shard), parse.GetValue(tolerance), parse.GetValue(plugins)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string runPath, bool merged, string? outFolder, int checkExamples, string dtype, double maxShardMb, double? tolerance,
        IEnumerable<string> pluginFolders, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!merged)
        {
            error.WriteLine($"error: say --merged: the merged snapshot is the only export (the PEFT adapter of a LoRA run is already in {Path.Combine(runPath, "model")}).");
            return 1;
        }
        if (!TryParseDtype(dtype, out ScalarType? stored))
        {
            error.WriteLine($"error: --dtype {dtype} is not one of auto, bf16, fp16, fp32.");
            return 1;
        }
        if (checkExamples < 1 || !(maxShardMb > 0) || tolerance is <= 0)
        {
            error.WriteLine("error: --check-examples, --max-shard-mb and --tolerance must be positive.");
            return 1;
        }
        try
        {
            using var catalog = WorkflowSource.LoadPlugins(pluginFolders);
            using var context = RunLoader.Open(runPath, catalog, output);
            var result = MergedExport.Run(context, new MergedExportOptions
            {
                OutFolder = outFolder ?? Path.Combine(runPath, "merged"),
                CheckExamples = checkExamples,
                Dtype = stored,
                MaxShardBytes = Math.Max(1, (long)(maxShardMb * (1 << 20))),
                Tolerance = tolerance,
            }, output);
            if (!result.Check.Passed)
            {
                error.WriteLine(
                    $"error: the merged model's logits differ from the adapter model's beyond the tolerance; the export is left in {result.Folder} for inspection, do not use it.");
                return 1;
            }
            output.WriteLine($"exported {result.Folder}: a Hugging Face snapshot; use it as model.path");
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or DatasetFormatException or PluginNotFoundException
                                      or PluginRuntimeException or IOException or InvalidDataException or PeftFormatException
                                      or StateDictMismatchException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static bool TryParseDtype(string text, out ScalarType? dtype)
    {
        dtype = text switch
        {
            "bf16" => ScalarType.BFloat16,
            "fp16" => ScalarType.Float16,
            "fp32" => ScalarType.Float32,
            _ => null,
        };
        return dtype is not null || text == "auto";
    }
}
