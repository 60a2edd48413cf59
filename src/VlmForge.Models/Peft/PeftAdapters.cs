using System.Text.Json;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Models.Lora;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using static TorchSharp.torch;

namespace VlmForge.Models.Peft;

/// <summary>
/// LoRA adapters in the PEFT layout, so Hugging Face tools load what VlmForge trains and VlmForge continues from
/// adapters trained elsewhere: <c>adapter_config.json</c>, <c>adapter_model.safetensors</c> with keys
/// <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> / <c>lora_B.weight</c> (the module paths are the checkpoint's,
/// since every family names its modules like its checkpoint keys), and beside them <c>vlmforge.json</c> plus the
/// snapshot's processor, chat template and tokenizer files. Works for any model whose adapters are
/// <see cref="LoraLinear"/> layers (TinyVlm, Qwen2.5-VL, SmolVLM).
/// </summary>
public static class PeftAdapters
{
    /// <summary>PEFT's config file.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>PEFT's weights file.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>VlmForge's usage notes.</summary>
    public const string UsageFileName = "vlmforge.json";

    /// <summary>The prefix PEFT gives every key (its LoraModel's <c>model</c> inside the PeftModel's <c>base_model</c>).</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>Files of a Hugging Face snapshot that processing needs, copied beside an exported adapter when present.</summary>
    public static IReadOnlyList<string> CompanionFiles { get; } =
    [
        "preprocessor_config.json", "processor_config.json", "chat_template.json", "chat_template.jinja", "tokenizer.json",
        "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "generation_config.json",
    ];

    // transformers >= 4.52 nests Qwen2.5-VL as model.language_model.* and model.visual.*; the released checkpoints (and so
    // VlmForge's module paths) use model.* and visual.*. Adapters saved either way import.
    private static readonly (string From, string To)[] Aliases = [("model.language_model.", "model."), ("model.visual.", "visual.")];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes the adapters of <paramref name="model"/> into <paramref name="folder"/> (created; files replaced atomically).</summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Export(nn.Module model, string folder, PeftExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new PeftExportOptions();
        var layers = LoraAdapters.Find(model);
        if (layers.Count == 0)
        {
            throw new ArgumentException("The model has no LoRA layers to export; it was not built with training_mode = \"lora\".", nameof(model));
        }
        var settings = layers[0].Layer.Settings;
        var different = layers.FirstOrDefault(l => l.Layer.Settings != settings);
        if (different.Layer is not null)
        {
            throw new ArgumentException(
                $"PEFT stores one rank and alpha per adapter; '{different.Path}' has {different.Layer.Settings}, others {settings}.", nameof(model));
        }

        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, layer) in layers)
        {
            tensors[KeyPrefix + path + ".lora_A.weight"] = layer.A.Weight;
            tensors[KeyPrefix + path + ".lora_B.weight"] = layer.B.Weight;
        }
        var weights = Path.Combine(folder, WeightsFileName);
        SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        written.Add(weights);

        var config = new PeftAdapterConfig
        {
            BaseModelNameOrPath = options.BaseModelNameOrPath,
            LoraAlpha = settings.Alpha,
            LoraDropout = settings.Dropout,
            Rank = settings.Rank,
            TargetModules = settings.TargetModules,
        };
        written.Add(WriteJson(Path.Combine(folder, ConfigFileName), config));
        if (options.Usage is not null)
        {
            written.Add(WriteJson(Path.Combine(folder, UsageFileName), options.Usage));
        }
        if (options.SnapshotFolder is not null)
        {
            foreach (var name in CompanionFiles)
            {
                var source = Path.Combine(options.SnapshotFolder, name);
                if (File.Exists(source))
                {
                    var target = Path.Combine(folder, name);
                    DurableFile.Write(target, stream =>
                    {
                        using var input = File.OpenRead(source);
                        input.CopyTo(stream);
                    });
                    written.Add(target);
                }
            }
        }
        return written;
    }

    /// <summary>Reads and checks an adapter folder's config (and usage notes when present).</summary>
    public static PeftAdapter Read(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The adapter folder '{folder}' does not exist.");
        }
        var configPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"'{folder}' has no {ConfigFileName}; is it a PEFT adapter folder?", configPath);
        }
        if (!File.Exists(Path.Combine(folder, WeightsFileName)))
        {
            throw new FileNotFoundException(
                $"'{folder}' has no {WeightsFileName} (only safetensors adapters are read, not adapter_model.bin).", Path.Combine(folder, WeightsFileName));
        }
        var config = ReadJson<PeftAdapterConfig>(configPath);
        var problems = new List<string>();
        if (config.PeftType != "LORA")
        {
            problems.Add($"peft_type is \"{config.PeftType}\", only LORA adapters are supported");
        }
        if (config.Rank < 1 || !(config.LoraAlpha > 0))
        {
            problems.Add($"r ({config.Rank}) and lora_alpha ({config.LoraAlpha}) must be positive");
        }
        if (config.TargetModules.Count == 0)
        {
            problems.Add("target_modules is empty or a regex string; VlmForge needs a list of module names");
        }
        if (config.UseDora || config.UseRslora)
        {
            problems.Add("use_dora and use_rslora are not supported");
        }
        if (config.RankPattern.Count > 0 || config.AlphaPattern.Count > 0)
        {
            problems.Add("per-module rank_pattern / alpha_pattern are not supported");
        }
        if (config.ModulesToSave is { Count: > 0 })
        {
            problems.Add($"modules_to_save ({string.Join(", ", config.ModulesToSave)}) is not supported");
        }
        if (config.Bias != "none" || config.FanInFanOut)
        {
            problems.Add("bias must be \"none\" and fan_in_fan_out false");
        }
        if (problems.Count > 0)
        {
            throw new PeftFormatException(configPath, string.Join("; ", problems) + ".");
        }

        var usagePath = Path.Combine(folder, UsageFileName);
        AdapterUsage? usage = null;
        if (File.Exists(usagePath))
        {
            usage = ReadJson<AdapterUsage>(usagePath);
            if (usage.Format != AdapterUsage.FormatName || usage.Version != AdapterUsage.FormatVersion)
            {
                throw new PeftFormatException(
                    usagePath, $"format \"{usage.Format}\" version {usage.Version} is not {AdapterUsage.FormatName} version {AdapterUsage.FormatVersion}");
            }
        }
        return new PeftAdapter(Path.GetFullPath(folder), config, usage);
    }

    /// <summary>
    /// Loads the adapter in <paramref name="folder"/> into <paramref name="model"/>'s LoRA layers, strictly: the model must
    /// have been built with the adapter's rank, alpha and targets (<see cref="PeftAdapter.ToLoraSettings"/>), every
    /// adapter key must be in the file and nothing else, every shape must match.
    /// </summary>
    /// <returns>The adapter that was loaded.</returns>
    public static PeftAdapter Import(nn.Module model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        var adapter = Read(folder);
        var layers = LoraAdapters.Find(model);
        if (layers.Count == 0)
        {
            throw new ArgumentException(
                $"The model has no LoRA layers; build it in lora mode with the adapter's settings ({adapter.ToLoraSettings()}).", nameof(model));
        }
        var expected = adapter.ToLoraSettings();
        var actual = layers[0].Layer.Settings;
        if (actual.Rank != expected.Rank || actual.Alpha != expected.Alpha
            || !actual.TargetModules.Order(StringComparer.Ordinal).SequenceEqual(expected.TargetModules.Order(StringComparer.Ordinal)))
        {
            throw new ArgumentException(
                $"The adapter in {folder} was trained with {expected}; the model's adapters are {actual}. Build the model with the adapter's settings.",
                nameof(model));
        }

        using var file = SafetensorsFile.Open(adapter.WeightsPath);
        using var renamed = new RenamedTensorSource(file, key => ModelKey(key, adapter.WeightsPath), adapter.WeightsPath);
        StrictStateDictLoader.Load(
            model, renamed, expect: key => key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal),
            sourceName: adapter.WeightsPath);
        return adapter;
    }

    /// <summary>The model's state_dict key of a PEFT key (prefix removed, newer transformers' Qwen2.5-VL paths mapped back).</summary>
    public static string ModelKey(string peftKey, string file = WeightsFileName)
    {
        ArgumentNullException.ThrowIfNull(peftKey);
        if (!peftKey.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            throw new PeftFormatException(file, $"the key '{peftKey}' does not start with '{KeyPrefix}' as PEFT writes it");
        }
        var key = peftKey[KeyPrefix.Length..];
        foreach (var (from, to) in Aliases)
        {
            if (key.StartsWith(from, StringComparison.Ordinal))
            {
                return to + key[from.Length..];
            }
        }
        return key;
    }

    private static string WriteJson<T>(string path, T value)
    {
        DurableFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, Json));
        return path;
    }

    private static T ReadJson<T>(string path)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path)) ?? throw new PeftFormatException(path, "the file holds JSON null");
        }
        catch (JsonException ex)
        {
            throw new PeftFormatException(path, $"line {(ex.LineNumber ?? 0) + 1}: {ex.Message.Split(" Path:", 2)[0]}", ex);
        }
    }
}

/// <summary>What an export writes besides the weights.</summary>
public sealed record PeftExportOptions
{
    /// <summary>adapter_config.json's base_model_name_or_path: the repository id or the snapshot path.</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>vlmforge.json's contents; null writes no usage notes.</summary>
    public AdapterUsage? Usage { get; init; }

    /// <summary>The base snapshot folder whose processor, chat template and tokenizer files are copied beside the adapter.</summary>
    public string? SnapshotFolder { get; init; }
}
