using VlmForge.Abstractions.Plugins;

namespace VlmForge.Settings.Loading;

/// <summary>
/// The plugins that are installed, by kind. The engine implements it from its plugin host and passes it to
/// <see cref="WorkflowLoader"/>: then a name that is not installed is an error listing what is. Without a catalog
/// the built-in names are known and an unknown name is only a warning.
/// </summary>
public interface IPluginNames
{
    /// <summary>Names of the installed plugins of <paramref name="kind"/>.</summary>
    IReadOnlyCollection<string> Names(PluginKind kind);

    /// <summary>True when a plugin of <paramref name="kind"/> named <paramref name="name"/> is installed.</summary>
    bool Exists(PluginKind kind, string name) => Names(kind).Contains(name, StringComparer.Ordinal);
}
