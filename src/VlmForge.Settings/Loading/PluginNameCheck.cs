using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>
/// Checks the plugins a workflow selects and configures. With a catalog of installed plugins an unknown name is an
/// error that lists what is installed (and why a plugin of that name did not load), two plugins with one name are an
/// error naming both folders, and every selected plugin binds its <c>[plugins.&lt;name&gt;]</c> table here, once, with
/// its problems located in the file. Without one the built-in names are known and any other name is a warning to make
/// sure such a plugin is installed.
/// </summary>
internal static class PluginNameCheck
{
    public static void Check(WorkflowSettings settings, ConfigTable root, IPluginNames? catalog, DiagnosticBag diagnostics)
    {
        var configured = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selection in settings.PluginSelections)
        {
            var descriptor = WorkflowSettings.Descriptors.First(d => d.Path == selection.KeyPath);
            var kind = Kind(selection.Kind);
            var location = root.LocationOf(selection.KeyPath);
            if (catalog is not null)
            {
                if (catalog.Exists(selection.Kind, selection.Name))
                {
                    // Configured even without a table, so the plugin runs with its defaults rather than an earlier file's values.
                    if (configured.Add(selection.Name))
                        catalog.Configure(selection.Name, settings.PluginSection(selection.Name), TableLocation(root, selection.Name) ?? location, diagnostics);
                    continue;
                }
                var installed = catalog.Names(selection.Kind);
                var problem = catalog.LoadProblem(selection.Name) is { } why ? $" A plugin named \"{selection.Name}\" was found but cannot be used: {why}" : "";
                diagnostics.Error(ConfigErrorCodes.UnknownPlugin, location, selection.KeyPath,
                    $"no {kind} plugin named \"{selection.Name}\" is installed; installed: {List(installed)}.{DidYouMean.Hint(selection.Name, installed)}{problem}");
            }
            else if (!descriptor.BuiltInPlugins.Contains(selection.Name))
            {
                diagnostics.Warning(ConfigErrorCodes.UnknownPlugin, location, selection.KeyPath,
                    $"\"{selection.Name}\" is not a built-in {kind} (built-in: {List(descriptor.BuiltInPlugins)}); make sure a plugin named \"{selection.Name}\" is installed.{DidYouMean.Hint(selection.Name, descriptor.BuiltInPlugins)}");
            }
        }

        if (catalog is null) return;
        var selected = settings.PluginSelections.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var conflict in catalog.Conflicts.Where(c => !selected.Contains(c.Name)))
        {
            // A selected name in conflict is already an error at its selection; others are errors too, so that a
            // plugin dropped beside the built-ins can never decide which one a later workflow gets.
            diagnostics.Error(ConfigErrorCodes.PluginProblem, TableLocation(root, conflict.Name) ?? new SourceLocation(root.Location.File, 0, 0),
                $"plugins.{conflict.Name}", conflict.Message);
        }

        foreach (var failure in catalog.LoadFailures)
        {
            diagnostics.Warning(ConfigErrorCodes.PluginProblem, new SourceLocation(root.Location.File, 0, 0), WorkflowSettings.PluginsSection,
                $"a plugin did not load: {failure}");
        }

        var kinds = Enum.GetValues<PluginKind>();
        foreach (var (name, table) in settings.Plugins)
        {
            if (configured.Contains(name)) continue;
            var location = root.LocationOf($"{WorkflowSettings.PluginsSection}.{name}");
            var installedKind = kinds.Cast<PluginKind?>().FirstOrDefault(k => catalog.Exists(k!.Value, name));
            if (installedKind is { } pluginKind)
            {
                // Still validated: a typo here should not wait until the day the plugin is selected.
                catalog.Configure(name, table, location, diagnostics);
                var selection = settings.PluginSelections.First(s => s.Kind == pluginKind);
                diagnostics.Warning(ConfigErrorCodes.PluginProblem, location, $"plugins.{name}",
                    $"\"{name}\" is an installed {Kind(pluginKind)} plugin, but this workflow selects {selection.KeyPath} = \"{selection.Name}\", " +
                    $"so [plugins.{name}] is checked but not used. Select it with {selection.KeyPath} = \"{name}\", or remove the table.");
                continue;
            }
            if (catalog.Conflicts.Any(c => c.Name == name)) continue;
            var allInstalled = kinds.SelectMany(catalog.Names).ToHashSet(StringComparer.Ordinal);
            var problem = catalog.LoadProblem(name) is { } why ? $" A plugin named \"{name}\" was found but cannot be used: {why}" : "";
            diagnostics.Warning(ConfigErrorCodes.UnknownPlugin, location, $"plugins.{name}",
                $"no installed plugin is named \"{name}\", so nothing reads this table.{DidYouMean.Hint(name, allInstalled)}{problem}");
        }
    }

    private static SourceLocation? TableLocation(ConfigTable root, string name) =>
        root.TryGetPath($"{WorkflowSettings.PluginsSection}.{name}", out var entry) ? entry.KeyLocation : null;

    private static string Kind(PluginKind kind) => kind.ToString().ToLowerInvariant();

    private static string List(IEnumerable<string> names)
    {
        var text = string.Join(", ", names.Select(n => $"\"{n}\""));
        return text.Length == 0 ? "none" : text;
    }
}
