using System.CommandLine;
using VlmForge.Settings.Documentation;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge settings</c>: every setting with its type, default, range and documentation: the built-in sections,
/// then the <c>[plugins.&lt;name&gt;]</c> table of every installed plugin that has settings.
/// </summary>
public static class SettingsCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "text, markdown or json-schema (for TOML editors).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json-schema");
        var plugins = WorkflowSource.PluginFoldersOption();

        var command = new Command("settings", "List every setting of vlmforge.toml (installed plugins' tables included): type, default, range and documentation.")
        {
            format, plugins,
        };
        command.SetAction(parse => Run(parse.GetValue(format)!, parse.InvocationConfiguration.Output, parse.GetValue(plugins)!));
        return command;
    }

    public static int Run(string format, TextWriter output, IEnumerable<string>? pluginFolders = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var catalog = WorkflowSource.LoadPlugins(pluginFolders ?? []);
        IReadOnlyList<SettingsSection> sections =
        [
            .. SettingsCatalog.BuiltIn,
            .. catalog.Plugins.Where(p => p.Settings.Count > 0).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new SettingsSection(
                $"plugins.{p.Name}", $"Settings of the {p.Kind.ToString().ToLowerInvariant()} plugin \"{p.Name}\" {p.Version}: {p.Identity.Description}", p.Settings)),
        ];
        output.Write(format switch
        {
            "markdown" => SettingsMarkdownRenderer.Render(sections),
            "json-schema" => SettingsJsonSchema.Write(sections),
            _ => SettingsTextRenderer.Render(sections),
        });
        return 0;
    }
}
