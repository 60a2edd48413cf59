using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Documentation;

/// <summary>One documented table: its path, what it holds and its settings.</summary>
/// <param name="Path">Table path, for example <c>training</c> or <c>plugins.lion</c>.</param>
/// <param name="Description">What the table holds.</param>
/// <param name="Settings">Its settings in schema order.</param>
public sealed record SettingsSection(string Path, string Description, IReadOnlyList<SettingDescriptor> Settings)
{
    /// <summary>The section of a generated option type.</summary>
    public static SettingsSection Of<T>() where T : ISettingsSection<T> => new(T.SectionPath, T.Description, T.Descriptors);
}

/// <summary>Every section of vlmforge.toml that VlmForge itself defines, in file order.</summary>
public static class SettingsCatalog
{
    /// <summary>The built-in sections. Plugin sections come from the plugins (their generated option types).</summary>
    public static IReadOnlyList<SettingsSection> BuiltIn { get; } =
    [
        SettingsSection.Of<ModelOptions>(),
        SettingsSection.Of<TrainingOptions>(),
        SettingsSection.Of<EvaluationOptions>(),
        SettingsSection.Of<DatasetOptions>(),
        SettingsSection.Of<PromptOptions>(),
        SettingsSection.Of<RunOptions>(),
    ];
}
