namespace VlmForge.Abstractions.Settings;

/// <summary>
/// An option type generated from a <c>*.settings.toml</c> schema: one table of vlmforge.toml (for example
/// <c>[training]</c> or a plugin's <c>[plugins.lion]</c>), bound from a <see cref="ConfigTable"/> with located
/// diagnostics, described setting by setting, and written back as canonical TOML.
/// </summary>
/// <typeparam name="TSelf">The generated option type.</typeparam>
public interface ISettingsSection<TSelf> where TSelf : ISettingsSection<TSelf>
{
    /// <summary>The dotted table path, for example <c>training</c> or <c>plugins.lion</c>.</summary>
    static abstract string SectionPath { get; }

    /// <summary>What the section holds, from the schema's doc.</summary>
    static abstract string Description { get; }

    /// <summary>Every setting of the section in schema order.</summary>
    static abstract IReadOnlyList<SettingDescriptor> Descriptors { get; }

    /// <summary>The section with every setting at its default.</summary>
    static abstract TSelf Default { get; }

    /// <summary>
    /// Reads the section. Every problem (wrong type, out of range, unknown key, broken rule) goes to
    /// <paramref name="diagnostics"/> with its location; a setting with a problem keeps its default so binding
    /// always returns a value. Check <see cref="DiagnosticBag.HasErrors"/> before using it.
    /// </summary>
    /// <param name="table">The table as written, or <see langword="null"/> when the file leaves the section out.</param>
    /// <param name="diagnostics">Where problems are reported.</param>
    static abstract TSelf Bind(ConfigTable? table, DiagnosticBag diagnostics);

    /// <summary>Writes every setting (defaults included) as <c>key = value</c> lines, in schema order.</summary>
    void WriteTo(TomlTableWriter writer);
}
