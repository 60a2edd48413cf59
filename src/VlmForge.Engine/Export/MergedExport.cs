using System.Globalization;
using System.Text.Json.Nodes;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Export;
using VlmForge.Models.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Export;

/// <summary>What <c>vlmforge export --merged</c> writes and how strictly it checks itself.</summary>
public sealed record MergedExportOptions
{
    /// <summary>The folder the snapshot goes to; it must not exist yet (or be empty).</summary>
    public required string OutFolder { get; init; }

    /// <summary>Validation examples whose logits are compared (the first ones of the run's validation split).</summary>
    public int CheckExamples { get; init; } = 4;

    /// <summary>The stored dtype; null keeps the base snapshot's.</summary>
    public ScalarType? Dtype { get; init; }

    /// <summary>The largest shard; bigger checkpoints are split with a model.safetensors.index.json, as Hugging Face does.</summary>
    public long MaxShardBytes { get; init; } = 2L << 30;

    /// <summary>Largest allowed |merged - adapter| logit, relative to max(1, largest |adapter logit|); null picks it from the dtypes.</summary>
    public double? Tolerance { get; init; }
}

/// <summary>The check of an export: the merged model's logits against the adapter model's on the same examples.</summary>
public sealed record MergedExportCheck(int Examples, long Positions, double MaxDifference, double Scale, double Tolerance)
{
    /// <summary>The largest difference relative to the logits' scale.</summary>
    public double RelativeDifference => MaxDifference / Scale;

    public bool Passed => RelativeDifference <= Tolerance;
}

/// <summary>The export's files and its check.</summary>
public sealed record MergedExportResult(string Folder, IReadOnlyList<string> Files, ScalarType Dtype, MergedExportCheck Check);

/// <summary>
/// <c>vlmforge export runs/x --merged --out folder</c>: the run's model as a plain Hugging Face snapshot (config.json,
/// safetensors with the checkpoint's key names, sharded past a size, tokenizer, chat template and processor files), LoRA
/// merged into the base weights (a 4-bit base dequantized first). The export then checks itself: it loads the folder
/// as a plain snapshot (as <c>model.path</c> would) and compares its logits on validation examples with the adapter
/// model's. It is written to <c>&lt;out&gt;.partial</c> and renamed only when the check passes.
/// </summary>
public static class MergedExport
{
    /// <summary>Relative tolerance when everything is float32: only the order of additions differs.</summary>
    public const double Float32Tolerance = 1e-4;

    /// <summary>Relative tolerance when weights are stored or computed in 16 bits (8 or 11 bits of mantissa).</summary>
    public const double HalfTolerance = 5e-2;

    public static MergedExportResult Run(RunContext context, MergedExportOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.CheckExamples);
        var examples = CheckExamples(context, options);
        var (target, partial) = PartialFolder(options);
        var run = context.FamilyRun
            ?? throw new WorkflowException($"{context.Folder.Path} holds neither a real family's nor a tiny model; there is nothing to export.");
        return run.Export(context, examples, target, partial, options, log);
    }

    /// <summary>A real family's export: the snapshot's files with LoRA merged into its weights, checked against the adapter model.</summary>
    internal static MergedExportResult Snapshot(RunContext context, FamilyModel family, FamilySnapshot snapshot, IReadOnlyList<TaskExample> examples,
        string target, string partial, MergedExportOptions options, TextWriter log)
    {
        ScalarType dtype;
        var files = new List<string>();
        using (var weights = snapshot.Folder.OpenWeights())
        {
            dtype = options.Dtype ?? StoredDtype(weights);
            var tensors = MergedWeights.Collect(family, weights.Names, dtype);
            try
            {
                files.AddRange(SafetensorsWriter.WriteCheckpoint(partial, tensors, options.MaxShardBytes, new Dictionary<string, string> { ["format"] = "pt" }));
            }
            finally
            {
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
        }
        files.Add(WriteConfig(snapshot.Folder.ConfigPath, Path.Combine(partial, SnapshotFolder.ConfigFileName), dtype));
        foreach (var name in PeftAdapters.CompanionFiles)
        {
            var source = Path.Combine(snapshot.Path, name);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(partial, name), overwrite: true);
                files.Add(Path.Combine(partial, name));
            }
        }
        log.WriteLine($"wrote {files.Count} files ({Path.GetFileName(files[0])}{(files.Count > 1 ? ", ..." : "")}) in {dtype} to {partial}");

        var check = Check(context, family, partial, examples, dtype, options.Tolerance);
        return Finish(target, partial, files, dtype, check, log);
    }

    /// <summary>Reports the check and, when it passed, moves the export from its .partial folder to the target.</summary>
    internal static MergedExportResult Finish(string target, string partial, List<string> files, ScalarType dtype, MergedExportCheck check, TextWriter log)
    {
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check: merged vs adapter logits on {check.Examples} validation examples ({check.Positions} positions): max |difference| {check.MaxDifference:G4}, " +
            $"relative to max(1, max |logit|) = {check.Scale:G4}: {check.RelativeDifference:G4} (tolerance {check.Tolerance:G3}) {(check.Passed ? "ok" : "MISMATCH")}"));
        if (!check.Passed)
        {
            return new MergedExportResult(partial, files, dtype, check);
        }

        DurableFile.PublishFolder(partial, target);
        return new MergedExportResult(target, [.. files.Select(f => Path.Combine(target, Path.GetFileName(f)))], dtype, check);
    }

    private static List<TaskExample> CheckExamples(RunContext context, MergedExportOptions options)
    {
        var examples = context.Dataset?.Validation.Take(options.CheckExamples).ToList() ?? [];
        if (examples.Count == 0)
        {
            throw new WorkflowException(
                $"The dataset of {context.Folder.Path} has no validation examples to check the export on (set dataset.validation_split or a validation file).");
        }
        return examples;
    }

    private static (string Target, string Partial) PartialFolder(MergedExportOptions options)
    {
        var target = Path.GetFullPath(options.OutFolder);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new WorkflowException($"{target} already exists and is not empty; export into a new folder (or delete it first).");
        }
        var partial = target + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        return (target, partial);
    }

    /// <summary>The dtype the snapshot stores its (floating) weights in.</summary>
    private static ScalarType StoredDtype(ITensorSource weights)
    {
        foreach (var name in weights.Names)
        {
            var stored = weights.GetEntry(name).Dtype.ToScalarType();
            if (stored is ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32) return stored.Value;
        }
        return ScalarType.BFloat16;
    }

    private static string WriteConfig(string source, string target, ScalarType dtype)
    {
        var config = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        config["torch_dtype"] = dtype switch
        {
            ScalarType.BFloat16 => "bfloat16",
            ScalarType.Float16 => "float16",
            _ => "float32",
        };
        File.WriteAllText(target, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return target;
    }

    private static MergedExportCheck Check(
        RunContext context, FamilyModel adapterModel, string folder, IReadOnlyList<TaskExample> examples, ScalarType dtype, double? tolerance)
    {
        var device = context.Device;
        var reference = Logits(context, adapterModel, examples, device);
        var options = new FamilyModelOptions { ImageSize = context.ModelImage.Width == context.ModelImage.Height ? context.ModelImage.Width : null };
        using var merged = FamilyModels.Load(folder, new ModelSetup { Mode = TrainingMode.Full, Device = device }, options);
        var actual = Logits(context, merged, examples, device);
        bool allFloat32 = dtype == ScalarType.Float32 && adapterModel.Setup.ComputeDtype == ScalarType.Float32;
        return Compare(reference, actual, examples.Count, tolerance ?? (allFloat32 ? Float32Tolerance : HalfTolerance));
    }

    /// <summary>The largest logit difference over the real positions; disposes both lists.</summary>
    internal static MergedExportCheck Compare(
        List<(Tensor Logits, Tensor Mask)> reference, List<(Tensor Logits, Tensor Mask)> actual, int examples, double tolerance)
    {
        double maxDifference = 0, scale = 1;
        long positions = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            using var scope = NewDisposeScope();
            var (expected, mask) = reference[i];
            var valid = mask.to(ScalarType.Bool).unsqueeze(-1);
            positions += mask.sum().item<long>();
            maxDifference = Math.Max(maxDifference, (expected - actual[i].Logits).abs().masked_fill(valid.logical_not(), 0).max().item<float>());
            scale = Math.Max(scale, expected.abs().masked_fill(valid.logical_not(), 0).max().item<float>());
        }
        foreach (var (logits, mask) in reference.Concat(actual)) { logits.Dispose(); mask.Dispose(); }
        return new MergedExportCheck(examples, positions, maxDifference, scale, tolerance);
    }

    /// <summary>Teacher-forced logits [B, T, V] (float32, CPU) and attention masks of the examples, batched as validation batches them.</summary>
    internal static List<(Tensor Logits, Tensor Mask)> Logits(RunContext context, IVisionLanguageModel model, IReadOnlyList<TaskExample> examples, Device device)
    {
        model.train(false);
        using var noGrad = no_grad();
        var result = new List<(Tensor, Tensor)>();
        const int batchSize = 2;
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var items = examples.Skip(start).Take(batchSize)
                .Select(e => BatchInputs.TrainingItem(context.Encoder, context.Images, e))
                .ToArray();
            using var batch = context.Collator.CollateForTraining(items);
            var output = model.Forward(batch.ToInputs(device, withLabels: false));
            result.Add((output.Logits.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope(), batch.AttentionMask.cpu().clone().MoveToOuterDisposeScope()));
        }
        return result;
    }
}
