using System.CommandLine;
using VlmForge.Abstractions.Settings;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary>
/// Where a command's workflow comes from: <c>--config F</c>, or the config baked into this binary at build time
/// (paths in it are relative to the current directory), and which plugin folders to load besides the built-ins.
/// </summary>
public static class WorkflowSource
{
    public static Option<string?> ConfigOption(string description) => new("--config") { Description = description };

    public static Option<string[]> PluginFoldersOption() => new("--plugins")
    {
        Description = $"Another plugin folder: one plugin, or a folder of plugin folders (repeatable). {PluginCatalog.FoldersVariable} (a path list) adds more.",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    /// <summary>Built-in plugins plus the named and environment folders.</summary>
    public static PluginCatalog LoadPlugins(IEnumerable<string> folders) =>
        PluginCatalog.Load([.. folders, .. PluginCatalog.FoldersFromEnvironment()]);

    /// <summary>Loads the workflow and prints every diagnostic; null when there are errors.</summary>
    public static WorkflowLoadResult? Load(string? configPath, PluginCatalog plugins, TextWriter output, TextWriter error)
    {
        WorkflowLoadResult result;
        if (configPath is not null)
        {
            if (!File.Exists(configPath))
            {
                error.WriteLine($"error: {configPath} does not exist. Create one with `vlmforge init`.");
                return null;
            }
            result = WorkflowLoader.LoadFile(configPath, plugins);
        }
        else if (BuildInfo.EmbeddedConfig is { } embedded)
        {
            result = embedded.Load(plugins, Directory.GetCurrentDirectory());
            output.WriteLine($"config: {embedded.FileName} embedded at build time (sha256 {embedded.Sha256[..12]}...)");
        }
        else
        {
            error.WriteLine("error: this build embeds no config; pass --config path/to/vlmforge.toml.");
            return null;
        }
        foreach (var diagnostic in result.Diagnostics)
            (diagnostic.Severity == DiagnosticSeverity.Error ? error : output).WriteLine(diagnostic.ToString());
        if (!result.HasErrors && result.FamilyDefaultsNote is { } note) output.WriteLine(note);
        return result.HasErrors ? null : result;
    }
}
