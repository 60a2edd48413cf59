using VlmForge.Abstractions.Settings;

namespace VlmForge.Abstractions.Plugins;

/// <summary>Helpers for a plugin's hand-written <see cref="IVlmForgePlugin.Configure"/>.</summary>
public static class PluginSettings
{
    /// <summary>
    /// Reports every key of <paramref name="section"/> that is not in <paramref name="knownKeys"/> as an error
    /// (<see cref="ConfigErrorCodes.UnknownKey"/>) at the key's location, with a "did you mean", so a typo in
    /// <c>[plugins.&lt;name&gt;]</c> is never silently ignored. A plugin without settings passes an empty list; one
    /// with a generated option type gets this check from its <c>Bind</c>.
    /// </summary>
    /// <param name="section">The plugin's table, or <see langword="null"/> when the file has none.</param>
    /// <param name="pluginName">The plugin's name (the table is <c>[plugins.&lt;pluginName&gt;]</c>).</param>
    /// <param name="knownKeys">The keys the plugin reads.</param>
    /// <param name="diagnostics">Where the errors go.</param>
    public static void RejectUnknownKeys(ConfigTable? section, string pluginName, IReadOnlyCollection<string> knownKeys, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        ArgumentNullException.ThrowIfNull(knownKeys);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (section is null)
            return;

        foreach (var entry in section.Entries)
        {
            if (knownKeys.Contains(entry.Key))
                continue;
            var hint = knownKeys.Count == 0
                ? $" Plugin '{pluginName}' has no settings: remove the key."
                : DidYouMean.Suggest(entry.Key, knownKeys) is { } suggestion
                    ? $" Did you mean '{suggestion}'?"
                    : $" Its settings are {string.Join(", ", knownKeys.Order(StringComparer.Ordinal))}.";
            diagnostics.Error(ConfigErrorCodes.UnknownKey, entry.KeyLocation, $"plugins.{pluginName}.{entry.Key}",
                $"[plugins.{pluginName}] has no setting '{entry.Key}'.{hint}");
        }
    }
}
