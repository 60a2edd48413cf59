using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>
/// The plugins that are installed, by kind. The engine implements it from its plugin host and passes it to
/// <see cref="WorkflowLoader"/>: then a name that is not installed is an error listing what is, and each plugin's
/// <c>[plugins.&lt;name&gt;]</c> table is bound by the plugin itself while the workflow loads, with its problems located
/// in the file like those of the built-in sections. Without a catalog the built-in names are known, an unknown name
/// is only a warning and plugin tables are not checked. The engine's catalog also gives the registered model families'
/// profiles (<see cref="ModelFamilies"/>), so <c>model.family</c> is checked the same way and each family's defaults
/// and advice apply.
/// </summary>
public interface IPluginNames
{
    /// <summary>Names of the installed plugins of <paramref name="kind"/>.</summary>
    IReadOnlyCollection<string> Names(PluginKind kind);

    /// <summary>True when a plugin of <paramref name="kind"/> named <paramref name="name"/> is installed.</summary>
    bool Exists(PluginKind kind, string name) => Names(kind).Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// The model families the engine has registered, each as the settings layer sees it: the names <c>model.family</c>
    /// accepts (spelled as each family spells itself), the settings each fills in when the file leaves them out, and
    /// their advice. Null (the default) when the caller knows none: then the name is not checked while loading (only
    /// where the engine opens the family), and no family's defaults or advice apply.
    /// </summary>
    IReadOnlyCollection<FamilyProfile>? ModelFamilies => null;

    /// <summary>
    /// Why a plugin called <paramref name="name"/> was found but cannot be used (it failed to load, or two plugins share
    /// the name), in a sentence for the user; <see langword="null"/> when nothing like that happened.
    /// </summary>
    string? LoadProblem(string name) => null;

    /// <summary>
    /// Problems with the installed plugins that make every workflow ambiguous (two plugins with one name), each a
    /// sentence naming the plugin and its folders. They are errors wherever a workflow is loaded.
    /// </summary>
    IReadOnlyList<PluginConflict> Conflicts => [];

    /// <summary>
    /// Plugins (or plugin folders) that were found but did not load, other than name conflicts, each a sentence naming
    /// the plugin, its folder, why and what to do. Loading a workflow reports them as warnings, so <c>check</c> and
    /// <c>train</c> show why a plugin is missing.
    /// </summary>
    IReadOnlyList<string> LoadFailures => [];

    /// <summary>
    /// Hands the installed plugin <paramref name="name"/> its table (or <see langword="null"/> when the file has none) to
    /// bind and keep; it reports wrong types, out-of-range values, unknown keys and broken rules to
    /// <paramref name="diagnostics"/>. A plugin that fails while doing so is reported there too (at
    /// <paramref name="location"/>), not thrown.
    /// </summary>
    void Configure(string name, ConfigTable? table, SourceLocation location, DiagnosticBag diagnostics)
    {
    }
}

/// <summary>A plugin name that two or more installed plugins claim.</summary>
/// <param name="Name">The name.</param>
/// <param name="Message">What is wrong and what to do, naming every folder.</param>
public sealed record PluginConflict(string Name, string Message);
