using VlmForge.Abstractions.Plugins;

namespace VlmForge.Abstractions.Settings;

/// <summary>Describes one setting for <c>vlmforge settings</c>, Markdown docs and the JSON schema.</summary>
/// <param name="Section">Table the key lives in, for example <c>training</c> or <c>plugins.lion</c>.</param>
/// <param name="Key">The key inside the section.</param>
/// <param name="Type">bool, int, float, string, enum, path, list or plugin.</param>
/// <param name="Default">The default as TOML text, or <see langword="null"/> when the setting is optional and unset by default.</param>
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

    /// <summary>The range as numbers (for JSON schemas); for lists it applies to each item.</summary>
    public NumericRange? Bounds { get; init; }

    /// <summary>For lists: the item type (string, int or float).</summary>
    public string? ItemType { get; init; }

    /// <summary>For lists: the fewest items allowed.</summary>
    public int? MinItems { get; init; }

    /// <summary>For lists: the most items allowed.</summary>
    public int? MaxItems { get; init; }

    /// <summary>For plugin settings: the kind of plugin the name selects.</summary>
    public PluginKind? PluginKind { get; init; }

    /// <summary>For plugin settings: the names of the plugins that ship with VlmForge.</summary>
    public IReadOnlyList<string> BuiltInPlugins { get; init; } = [];

    /// <summary>For enums: a line of documentation per allowed name (same order as <see cref="AllowedValues"/>; empty strings where none).</summary>
    public IReadOnlyList<string> ValueDocumentation { get; init; } = [];

    /// <summary>The type as people read it: <c>int</c>, <c>list&lt;float&gt;</c>, <c>plugin(optimizer)</c>.</summary>
    public string DisplayType => Type switch
    {
        "list" when ItemType is not null => $"list<{ItemType}>",
        "plugin" when PluginKind is { } kind => $"plugin({kind.ToString().ToLowerInvariant()})",
        _ => Type,
    };
}
