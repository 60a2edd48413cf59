using VlmForge.Models.Families.Common;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Tiny;

namespace VlmForge.Models.Families;

/// <summary>The real model families by their <c>model.family</c> names, and config.json parsing by <c>model_type</c>.</summary>
public static class ModelFamilies
{
    /// <summary>Qwen2.5-VL (<c>model_type</c> qwen2_5_vl).</summary>
    public const string Qwen25Vl = "qwen2_5_vl";

    /// <summary>SmolVLM (Idefics3 architecture, <c>model_type</c> idefics3).</summary>
    public const string SmolVlm = "smolvlm";

    /// <summary>Every real family.</summary>
    public static IReadOnlyList<string> All { get; } = [Qwen25Vl, SmolVlm];

    /// <summary>The canonical name of <paramref name="family"/>: "qwen2.5-vl", "Qwen2_5_VL" and "qwen25vl" all give qwen2_5_vl.</summary>
    public static string Normalize(string family)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        var key = Key(family);
        return All.FirstOrDefault(f => Key(f) == key) ?? (key == "idefics3" ? SmolVlm : throw new ArgumentException(
            $"'{family}' is not a real model family. Known families: {string.Join(", ", All)} (and the built-in tiny).", nameof(family)));
    }

    /// <summary>Parses config.json text, choosing the family by its <c>model_type</c>.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">How errors name it (the file path).</param>
    public static IFamilyConfig ParseConfig(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        var modelType = ConfigJson.TopLevelString(json, "model_type", source);
        IFamilyConfig config = modelType switch
        {
            Qwen25VlConfig.HuggingFaceModelType => Qwen25VlConfig.Parse(json, source),
            Idefics3Config.HuggingFaceModelType => Idefics3Config.Parse(json, source),
            null => throw new InvalidModelConfigException($"{source}: no \"model_type\"; is this a Hugging Face config.json?"),
            _ => throw new InvalidModelConfigException(
                $"{source}: model_type \"{modelType}\" is not supported. VlmForge loads {Qwen25VlConfig.HuggingFaceModelType} (Qwen2.5-VL) " +
                $"and {Idefics3Config.HuggingFaceModelType} (SmolVLM) snapshots."),
        };
        config.Validate();
        return config;
    }

    private static string Key(string name) => new(name.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
}
