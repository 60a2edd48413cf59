using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Export;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Export;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Families.Tiny;

/// <summary>
/// <c>vlmforge export</c> of a tiny run: a <see cref="TinyBase"/> folder (config.json, model.safetensors with LoRA
/// merged, the tokenizer) that <c>model.path</c> loads as the starting point of another run, checked like the real
/// families' export: the folder is loaded back as a base and its logits compared with the run's model.
/// </summary>
internal static class TinyExport
{
    public static MergedExportResult Run(
        RunContext context, IReadOnlyList<TaskExample> examples, string target, string partial, MergedExportOptions options, TextWriter log)
    {
        if (context.Model is not TinyVlm model || context.Tokenizer is not TinyTokenizer tokenizer)
        {
            throw new WorkflowException($"{context.Folder.Path} holds neither a real family's nor a tiny model; there is nothing to export.");
        }
        var dtype = options.Dtype ?? ScalarType.Float32;
        var files = new List<string>();
        var keys = PlainKeys(model.Config);
        var tensors = MergedWeights.Collect(model, model.QuantizedLinears, keys, dtype);
        try
        {
            var weights = Path.Combine(partial, TinyBase.WeightsFileName);
            SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string> { ["format"] = "pt" });
            files.Add(weights);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
        var config = JsonNode.Parse(JsonSerializer.Serialize(model.Config))!.AsObject();
        config["model_type"] = TinyBase.ModelType;
        var configPath = Path.Combine(partial, TinyBase.ConfigFileName);
        VlmForge.Abstractions.IO.DurableFile.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        files.Add(configPath);
        tokenizer.Save(partial);
        files.Add(Path.Combine(partial, TinyTokenizer.ConfigFileName));
        files.Add(Path.Combine(partial, TinyTokenizer.VocabularyFileName));
        log.WriteLine($"wrote {files.Count} files ({TinyBase.WeightsFileName}, ...) in {dtype} to {partial}");

        var reference = MergedExport.Logits(context, model, examples, context.Device);
        var setup = new ModelSetup { Mode = TrainingMode.Full, Device = context.Device };
        using var reloaded = (TinyVlm)TinyModel.Create(model.Config, setup, context.Settings.Training.Seed, TinyBase.Open(partial));
        var actual = MergedExport.Logits(context, reloaded, examples, context.Device);
        bool allFloat32 = dtype == ScalarType.Float32 && model.Setup.ComputeDtype == ScalarType.Float32;
        var check = MergedExport.Compare(reference, actual, examples.Count, options.Tolerance ?? (allFloat32 ? MergedExport.Float32Tolerance : MergedExport.HalfTolerance));
        return MergedExport.Finish(target, partial, files, dtype, check, log);
    }

    /// <summary>The keys of the plain model (no adapters): what a base checkpoint holds.</summary>
    private static HashSet<string> PlainKeys(TinyVlmConfig config)
    {
        using var plain = TinyVlm.Create(config, new ModelSetup { Mode = TrainingMode.Full, Device = CPU });
        return [.. plain.state_dict().Keys];
    }
}
