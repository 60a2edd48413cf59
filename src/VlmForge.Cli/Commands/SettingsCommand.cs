using System.CommandLine;
using VlmForge.Settings.Documentation;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge settings</c>: every setting with its type, default, range and documentation.</summary>
public static class SettingsCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "text, markdown or json-schema (for TOML editors).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json-schema");

        var command = new Command("settings", "List every setting of vlmforge.toml: type, default, range and documentation.") { format };
        command.SetAction(parse => Run(parse.GetValue(format)!, parse.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(string format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sections = SettingsCatalog.BuiltIn;
        output.Write(format switch
        {
            "markdown" => SettingsMarkdownRenderer.Render(sections),
            "json-schema" => SettingsJsonSchema.Write(sections),
            _ => SettingsTextRenderer.Render(sections),
        });
        return 0;
    }
}
