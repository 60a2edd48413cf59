using VlmForge.Models.Families.Common;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Tiny;
using VlmForge.Settings;

namespace VlmForge.Models.Families;

/// <summary>
/// The real model families' architectures: their <c>model.family</c> names and config.json parsing by
/// <c>model_type</c>, like Hugging Face's <c>AutoConfig</c> mapping. The engine's family registry registers every other
/// piece of a family (planner shapes, data conventions, snapshot checks) and, for a family of its own, its
/// architecture here through <see cref="Register"/>.
/// </summary>
public static class ModelFamilies
{
    /// <summary>Qwen2.5-VL (<c>model_type</c> qwen2_5_vl).</summary>
    public const string Qwen25Vl = "qwen2_5_vl";

    /// <summary>SmolVLM (Idefics3 architecture, <c>model_type</c> idefics3).</summary>
    public const string SmolVlm = "smolvlm";

    private static readonly object Gate = new();

    private static List<FamilyArchitecture> registered =
    [
        new(Qwen25Vl, Qwen25VlConfig.HuggingFaceModelType, Qwen25VlConfig.Parse),
        new(SmolVlm, Idefics3Config.HuggingFaceModelType, Idefics3Config.Parse),
    ];

    /// <summary>Every real family.</summary>
    public static IReadOnlyList<string> All => [.. registered.Select(a => a.Family)];

    /// <summary>Adds (or replaces) the architecture of <paramref name="family"/>, whose config.json says <paramref name="modelType"/>.</summary>
    public static void Register(string family, string modelType, Func<string, string, IFamilyConfig> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        ArgumentException.ThrowIfNullOrEmpty(modelType);
        ArgumentNullException.ThrowIfNull(parse);
        lock (Gate)
        {
            registered = [.. registered.Where(a => !FamilyNames.Same(a.Family, family)), new(family, modelType, parse)];
        }
    }

    /// <summary>
    /// The canonical name of <paramref name="family"/> (<see cref="FamilyNames"/>: "qwen2.5-vl", "Qwen2_5_VL" and
    /// "qwen25vl" all give qwen2_5_vl); a family's model_type (idefics3) names it too.
    /// </summary>
    public static string Normalize(string family)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        var architecture = registered.FirstOrDefault(a => FamilyNames.Same(a.Family, family))
                           ?? registered.FirstOrDefault(a => FamilyNames.Same(a.ModelType, family));
        return architecture?.Family ?? throw new ArgumentException(
            $"'{family}' is not a family that loads a Hugging Face config.json. Those families: {string.Join(", ", All)}.", nameof(family));
    }

    /// <summary>Parses config.json text, choosing the family by its <c>model_type</c>.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">How errors name it (the file path).</param>
    public static IFamilyConfig ParseConfig(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        var modelType = ConfigJson.TopLevelString(json, "model_type", source)
                        ?? throw new InvalidModelConfigException($"{source}: no \"model_type\"; is this a Hugging Face config.json?");
        var architecture = registered.FirstOrDefault(a => a.ModelType == modelType)
                           ?? throw new InvalidModelConfigException(
                               $"{source}: model_type \"{modelType}\" is not supported. VlmForge loads " +
                               $"{string.Join(", ", registered.Select(a => $"{a.ModelType} ({a.Family})"))} snapshots.");
        var config = architecture.Parse(json, source);
        config.Validate();
        return config;
    }

    private sealed record FamilyArchitecture(string Family, string ModelType, Func<string, string, IFamilyConfig> Parse);
}
