using VlmForge.Abstractions.Settings;

namespace VlmForge.Abstractions.Plugins;

/// <summary>What every plugin has, whatever its kind.</summary>
/// <remarks>
/// The host creates one instance per plugin type with a public parameterless constructor. A plugin's own
/// settings live in the <c>[plugins.&lt;name&gt;]</c> table of vlmforge.toml.
/// </remarks>
public interface IVlmForgePlugin
{
    /// <summary>Name, kind and versions.</summary>
    PluginIdentity Identity { get; }

    /// <summary>The settings this plugin reads from <c>[plugins.&lt;name&gt;]</c>; empty when it has none.</summary>
    IReadOnlyList<SettingDescriptor> Settings { get; }

    /// <summary>
    /// Validates and keeps the plugin's settings table. Problems go to <paramref name="diagnostics"/> with the
    /// location of the offending value; the plugin must not throw for bad user input.
    /// </summary>
    /// <param name="section">The <c>[plugins.&lt;name&gt;]</c> table, or <see langword="null"/> when absent.</param>
    /// <param name="diagnostics">Where errors and advice are reported.</param>
    void Configure(ConfigTable? section, DiagnosticBag diagnostics);
}
