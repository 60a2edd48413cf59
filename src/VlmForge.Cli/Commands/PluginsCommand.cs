using System.CommandLine;
using System.Globalization;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;
using VlmForge.Engine.Plugins;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge plugins</c>: every plugin the host finds (built-ins, <c>--plugins</c> and <c>VLMFORGE_PLUGINS</c>) with its
/// kind, version, contract version, folder and settings, then every plugin that failed to load and why.
/// Exits with 1 when any plugin failed.
/// </summary>
public static class PluginsCommand
{
    public static Command Create()
    {
        var folders = WorkflowSource.PluginFoldersOption();
        var command = new Command("plugins", "List the optimizer, quantizer, precision and sampler plugins, their settings, and any that failed to load.");
        command.Options.Add(folders);
        command.SetAction(parse => Run(parse.GetValue(folders) ?? [], parse.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(IReadOnlyList<string> extraFolders, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(extraFolders);
        ArgumentNullException.ThrowIfNull(output);
        using var catalog = WorkflowSource.LoadPlugins(extraFolders);
        Write(catalog, output);
        return catalog.Failures.Count == 0 ? 0 : 1;
    }

    public static void Write(PluginCatalog catalog, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(output);
        var invariant = CultureInfo.InvariantCulture;

        output.WriteLine(string.Create(invariant, $"Plugin contract version {PluginContract.Version}. Searched: {string.Join(", ", catalog.SearchedFolders)}"));
        output.WriteLine();

        string[] header = ["NAME", "KIND", "VERSION", "CONTRACT", "FOLDER"];
        var rows = catalog.Plugins
            .Select(p => new[] { p.Name, Kind(p.Kind), p.Version, p.ContractVersion.ToString(invariant), p.Folder })
            .ToList();
        var widths = Enumerable.Range(0, header.Length - 1)
            .Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max())
            .ToArray();

        output.WriteLine(Row(header, widths));
        foreach (var (plugin, row) in catalog.Plugins.Zip(rows))
        {
            output.WriteLine(Row(row, widths));
            if (!string.IsNullOrWhiteSpace(plugin.Identity.Description))
                output.WriteLine(string.Create(invariant, $"    {plugin.Identity.Description}"));
            if (plugin.Settings.Count == 0)
            {
                output.WriteLine("    settings: none");
                continue;
            }
            output.WriteLine(string.Create(invariant, $"    settings: [plugins.{plugin.Name}]"));
            foreach (var setting in plugin.Settings)
                output.WriteLine(string.Create(invariant, $"      {Describe(setting)}"));
        }
        if (catalog.Plugins.Count == 0)
            output.WriteLine("(no plugins loaded)");

        if (catalog.Failures.Count == 0)
            return;
        output.WriteLine();
        output.WriteLine(string.Create(invariant, $"{catalog.Failures.Count} plugin(s) failed to load:"));
        foreach (var failure in catalog.Failures)
        {
            output.WriteLine(string.Create(invariant, $"  {failure.Plugin} [{Kebab(failure.Kind)}] in {failure.Folder}"));
            output.WriteLine(string.Create(invariant, $"    {failure.Message}"));
        }
    }

    private static string Describe(SettingDescriptor setting)
    {
        var parts = new List<string> { setting.Key, setting.Type };
        if (setting.Default is not null)
            parts.Add($"default {setting.Default}");
        if (setting.Range is not null)
            parts.Add($"range {setting.Range}");
        if (setting.AllowedValues.Count > 0)
            parts.Add($"one of {string.Join(", ", setting.AllowedValues)}");
        return string.Join("  ", parts) + (string.IsNullOrWhiteSpace(setting.Documentation) ? "" : $"  - {setting.Documentation}");
    }

    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i < widths.Length ? c.PadRight(widths[i]) : c));

    private static string Kind(PluginKind kind) => kind.ToString().ToLowerInvariant();

    private static string Kebab(PluginFailureKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
