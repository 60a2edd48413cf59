using System.Reflection;
using VlmForge.Models.Families;

namespace VlmForge.Models.Presets;

/// <summary>
/// model.size to concrete checkpoints per family (the platform's size classes: small 1-3B, medium 7-13B, large 20-34B).
/// Qwen2.5-VL: 3B / 7B / 32B Instruct. SmolVLM has one release in these classes, SmolVLM-Instruct (2.2B), which is
/// small; there is no medium or large SmolVLM.
/// </summary>
public static class ModelPresets
{
    /// <summary>The size names of model.size for real families.</summary>
    public static IReadOnlyList<string> Sizes { get; } = ["small", "medium", "large"];

    /// <summary>Every preset, in family then size order.</summary>
    public static IReadOnlyList<ModelPreset> All { get; } =
    [
        Embedded(ModelFamilies.Qwen25Vl, "small", "Qwen/Qwen2.5-VL-3B-Instruct", "3B", "Qwen2.5-VL-3B-Instruct"),
        Embedded(ModelFamilies.Qwen25Vl, "medium", "Qwen/Qwen2.5-VL-7B-Instruct", "7B", "Qwen2.5-VL-7B-Instruct"),
        Embedded(ModelFamilies.Qwen25Vl, "large", "Qwen/Qwen2.5-VL-32B-Instruct", "32B", "Qwen2.5-VL-32B-Instruct"),
        Embedded(ModelFamilies.SmolVlm, "small", "HuggingFaceTB/SmolVLM-Instruct", "2.2B", "SmolVLM-Instruct"),
    ];

    /// <summary>The preset of <paramref name="family"/> at <paramref name="size"/>.</summary>
    /// <exception cref="ModelPresetNotFoundException">No released checkpoint of that family has that size.</exception>
    public static ModelPreset Find(string family, string size)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        ArgumentException.ThrowIfNullOrEmpty(size);
        string canonical;
        try
        {
            canonical = ModelFamilies.Normalize(family);
        }
        catch (ArgumentException error)
        {
            throw new ModelPresetNotFoundException(error.Message, nameof(family));
        }
        var normalizedSize = size.Trim().ToLowerInvariant();
        if (!Sizes.Contains(normalizedSize))
        {
            throw new ModelPresetNotFoundException(
                $"model.size \"{size}\" has no released checkpoint to plan from; presets come in {string.Join(", ", Sizes)}.", nameof(size));
        }
        var preset = All.FirstOrDefault(p => p.Family == canonical && p.Size == normalizedSize);
        if (preset is not null)
        {
            return preset;
        }
        var available = All.Where(p => p.Family == canonical).ToList();
        throw new ModelPresetNotFoundException(
            $"There is no {normalizedSize} {canonical} model ({Range(normalizedSize)} parameters). {canonical} exists as " +
            string.Join(", ", available.Select(p => $"{p.Size} ({p.Repository}, {p.Parameters})")) +
            $". Set model.size = \"{available[0].Size}\", or family = \"{ModelFamilies.Qwen25Vl}\" for medium and large models.",
            nameof(size));
    }

    private static string Range(string size) => size switch
    {
        "small" => "1-3B",
        "medium" => "7-13B",
        _ => "20-34B",
    };

    private static ModelPreset Embedded(string family, string size, string repository, string parameters, string resource)
    {
        var name = $"VlmForge.Models.Presets.{resource}.config.json";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded preset config {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return new ModelPreset(family, size, repository, parameters, reader.ReadToEnd());
    }
}
