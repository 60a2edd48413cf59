namespace VlmForge.Abstractions.Settings;

/// <summary>Describes one setting for <c>vlmforge settings</c>, Markdown docs and the JSON schema.</summary>
/// <param name="Section">Table the key lives in, for example <c>training</c> or <c>plugins.lion</c>.</param>
/// <param name="Key">The key inside the section.</param>
/// <param name="Type">bool, int, float, string, enum, path or list.</param>
/// <param name="Default">The default as TOML text, or <see langword="null"/> when the setting is required or has none.</param>
/// <param name="Range">Allowed range as text (for example <c>[1, 10000]</c>), or <see langword="null"/>.</param>
/// <param name="AllowedValues">For enums: the allowed names; otherwise empty.</param>
/// <param name="Documentation">What the setting does and the platform's advice.</param>
public sealed record SettingDescriptor(
    string Section,
    string Key,
    string Type,
    string? Default,
    string? Range,
    IReadOnlyList<string> AllowedValues,
    string Documentation)
{
    /// <summary>The full dotted path, for example <c>training.learning_rate</c>.</summary>
    public string Path => $"{Section}.{Key}";
}
