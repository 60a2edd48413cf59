using System.CommandLine;
using VlmForge.Abstractions.Settings;
using VlmForge.Engine.Pipeline;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge check</c>: validates a workflow config and prints its errors and advice as file:line:col. Exits 1
/// when there are errors. The build runs it with <c>--format msbuild</c> to validate the config it embeds.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The config to check.", DefaultValueFactory = _ => "vlmforge.toml" };
        var format = new Option<string>("--format") { Description = "text (file:line:col) or msbuild (file(line,col), for build logs).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "msbuild");

        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("check", "Validate a vlmforge.toml: errors and advice with file:line:col; exit code 1 on errors.") { config, format, plugins };
        command.SetAction(parse => Run(parse.GetValue(config)!, parse.GetValue(format) == "msbuild",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(plugins)!));
        return command;
    }

    public static int Run(string path, bool msbuild, TextWriter output, TextWriter error, IEnumerable<string>? pluginFolders = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        // Plugin names are checked against what is installed: built-ins, --plugins folders and VLMFORGE_PLUGINS.
        using var plugins = WorkflowSource.LoadPlugins(pluginFolders ?? []);
        var result = WorkflowLoader.LoadFile(path, plugins);
        foreach (var diagnostic in result.Diagnostics)
        {
            var line = msbuild ? diagnostic.ToMSBuildString() : diagnostic.ToString();
            (diagnostic.Severity == DiagnosticSeverity.Error && !msbuild ? error : output).WriteLine(line);
        }

        // Where values the file leaves out came from, when its family has its own (not under msbuild: not a warning).
        if (!msbuild && result.Settings is not null && result.FamilyDefaultsNote is { } note) output.WriteLine(note);

        int errors = result.Errors.Count(), warnings = result.Warnings.Count();
        // Not under msbuild: the build validates configs without loading libtorch.
        if (!msbuild && result.Settings is { } settings && PrecisionAdvice.Warning(settings) is { } slow)
        {
            output.WriteLine($"{path}: warning: {slow}");
            warnings++;
        }
        if (!msbuild)
        {
            output.WriteLine(errors == 0
                ? $"{path}: ok ({warnings} warning(s)), sha256 {result.Sha256}"
                : $"{path}: {errors} error(s), {warnings} warning(s)");
        }
        return errors == 0 ? 0 : 1;
    }
}
