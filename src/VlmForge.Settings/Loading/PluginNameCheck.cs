using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>
/// Checks the plugin names a workflow selects. With a catalog of installed plugins an unknown name is an error
/// that lists what is installed; without one the built-in names are known and any other name is a warning to make
/// sure such a plugin is installed.
/// </summary>
internal static class PluginNameCheck
{
    public static void Check(WorkflowSettings settings, ConfigTable root, IPluginNames? catalog, DiagnosticBag diagnostics)
    {
        foreach (var selection in settings.PluginSelections)
        {
            var descriptor = WorkflowSettings.Descriptors.First(d => d.Path == selection.KeyPath);
            var kind = selection.Kind.ToString().ToLowerInvariant();
            var location = root.LocationOf(selection.KeyPath);
            if (catalog is not null)
            {
                if (catalog.Exists(selection.Kind, selection.Name)) continue;
                var installed = catalog.Names(selection.Kind);
                diagnostics.Error(ConfigErrorCodes.UnknownPlugin, location, selection.KeyPath,
                    $"no {kind} plugin named \"{selection.Name}\" is installed; installed: {List(installed)}.{DidYouMean.Hint(selection.Name, installed)}");
            }
            else if (!descriptor.BuiltInPlugins.Contains(selection.Name))
            {
                diagnostics.Warning(ConfigErrorCodes.UnknownPlugin, location, selection.KeyPath,
                    $"\"{selection.Name}\" is not a built-in {kind} (built-in: {List(descriptor.BuiltInPlugins)}); make sure a plugin named \"{selection.Name}\" is installed.{DidYouMean.Hint(selection.Name, descriptor.BuiltInPlugins)}");
            }
        }

        if (catalog is null) return;
        var allInstalled = Enum.GetValues<Abstractions.Plugins.PluginKind>().SelectMany(catalog.Names).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, table) in settings.Plugins)
        {
            if (allInstalled.Contains(name)) continue;
            diagnostics.Warning(ConfigErrorCodes.UnknownPlugin, root.LocationOf($"{WorkflowSettings.PluginsSection}.{name}"), $"plugins.{name}",
                $"no installed plugin is named \"{name}\", so nothing reads this table.{DidYouMean.Hint(name, allInstalled)}");
        }
    }

    private static string List(IEnumerable<string> names)
    {
        var text = string.Join(", ", names.Select(n => $"\"{n}\""));
        return text.Length == 0 ? "none" : text;
    }
}
