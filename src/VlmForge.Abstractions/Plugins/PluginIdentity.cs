namespace VlmForge.Abstractions.Plugins;

/// <summary>Who a plugin is: the name a config selects it by, its kind and versions.</summary>
/// <param name="Name">Lower-case name used in vlmforge.toml, for example <c>adamw</c> or <c>nf4</c>.</param>
/// <param name="Kind">The contract the plugin implements.</param>
/// <param name="Version">The plugin's own version (semantic versioning).</param>
/// <param name="ContractVersion">The <see cref="PluginContract.Version"/> the plugin was compiled against.</param>
/// <param name="Description">One line for <c>vlmforge plugins</c>.</param>
public sealed record PluginIdentity(string Name, PluginKind Kind, string Version, int ContractVersion, string Description);
