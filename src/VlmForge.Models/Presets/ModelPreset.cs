using VlmForge.Models.Families;

namespace VlmForge.Models.Presets;

/// <summary>
/// A concrete released checkpoint that a (<c>model.family</c>, <c>model.size</c>) pair stands for, with its official
/// config.json embedded. The weights are not: <c>model.path</c> must point at a local snapshot of <see cref="Repository"/>.
/// </summary>
/// <param name="Family">The <c>model.family</c> value (qwen2_5_vl, smolvlm).</param>
/// <param name="Size">The <c>model.size</c> value (small, medium, large).</param>
/// <param name="Repository">The Hugging Face repository id, for example Qwen/Qwen2.5-VL-7B-Instruct.</param>
/// <param name="Parameters">The advertised parameter count, for example "7B".</param>
/// <param name="ConfigJson">The repository's config.json text.</param>
public sealed record ModelPreset(string Family, string Size, string Repository, string Parameters, string ConfigJson)
{
    /// <summary>The parsed, validated config.</summary>
    public IFamilyConfig Config => ModelFamilies.ParseConfig(ConfigJson, $"{Repository}/config.json (embedded preset)");
}
