using System.Security.Cryptography;
using System.Text;
using VlmForge.Abstractions.IO;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;
using VlmForge.Settings.Advice;
using VlmForge.Settings.Toml;

namespace VlmForge.Settings.Loading;

/// <summary>
/// Loads vlmforge.toml: TOML text, then a <see cref="ConfigTable"/> that keeps every line and column, then the
/// generated binders of each section, plugin-name checks and the page's advice. Every problem is reported at once,
/// each located as file:line:col with the key path, what was found and what is allowed.
/// </summary>
public static class WorkflowLoader
{
    /// <summary>Largest config accepted: real ones are a few kilobytes, and this bounds the time and memory a load takes.</summary>
    public const int MaxConfigBytes = 1 << 20;

    /// <summary>Loads and validates a config file. Relative paths in it are relative to its folder.</summary>
    /// <param name="path">The file.</param>
    /// <param name="plugins">Installed plugins; without it, unknown plugin names are warnings.</param>
    public static WorkflowLoadResult LoadFile(string path, IPluginNames? plugins = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            // A FIFO would block the read forever and a device never end it; a folder is not a config either.
            if (FileKinds.WhyNotAFile(path) is { } why) throw new IOException(why + ".");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxConfigBytes)
                throw new IOException($"{path} holds {stream.Length:N0} bytes; a workflow config is at most {MaxConfigBytes:N0} (1 MiB).");
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var diagnostics = new DiagnosticBag();
            diagnostics.Error(ConfigErrorCodes.FileNotFound, new SourceLocation(path, 0, 0), "(file)",
                $"cannot read the config: {e.Message} Create one with `vlmforge init`, or name another with --config.");
            return new WorkflowLoadResult(null, diagnostics.ToList(), path, "", "", null);
        }
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Load(bytes, path, plugins, baseDirectory);
    }

    /// <summary>Loads and validates config text.</summary>
    /// <param name="text">The TOML text.</param>
    /// <param name="fileName">The name used in locations.</param>
    /// <param name="plugins">Installed plugins; without it, unknown plugin names are warnings.</param>
    /// <param name="baseDirectory">Folder relative paths are relative to; the current directory when null.</param>
    public static WorkflowLoadResult LoadText(string text, string fileName, IPluginNames? plugins = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return Load(Encoding.UTF8.GetBytes(text), fileName, plugins, baseDirectory ?? Directory.GetCurrentDirectory());
    }

    /// <summary>Loads and validates UTF-8 bytes (a file or an embedded resource); the hash is of these bytes.</summary>
    public static WorkflowLoadResult LoadBytes(byte[] bytes, string fileName, IPluginNames? plugins = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return Load(bytes, fileName, plugins, baseDirectory ?? Directory.GetCurrentDirectory());
    }

    private static WorkflowLoadResult Load(byte[] bytes, string fileName, IPluginNames? plugins, string baseDirectory)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length > MaxConfigBytes)
        {
            var tooLarge = new DiagnosticBag();
            tooLarge.Error(ConfigErrorCodes.FileNotFound, new SourceLocation(fileName, 0, 0), "(file)",
                $"the config holds {bytes.Length:N0} bytes; a workflow config is at most {MaxConfigBytes:N0} (1 MiB). Is this the right file?");
            return new WorkflowLoadResult(null, tooLarge.ToList(), fileName, "", sha256, null);
        }
        var text = new UTF8Encoding(false).GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];

        var diagnostics = new DiagnosticBag();
        var root = ConfigTreeBuilder.Parse(text, fileName, diagnostics);
        CheckSections(root, diagnostics);

        // The family's own defaults fill what the file leaves out before binding, so the schema's rules see them too.
        var families = plugins?.ModelFamilies;
        var (bound, familyDefaults) = FamilyDefaults.Apply(root, families);
        var settings = new WorkflowSettings(
            ModelOptions.Bind(bound.Table(ModelOptions.SectionPath), diagnostics),
            TrainingOptions.Bind(bound.Table(TrainingOptions.SectionPath), diagnostics),
            EvaluationOptions.Bind(bound.Table(EvaluationOptions.SectionPath), diagnostics),
            DatasetOptions.Bind(bound.Table(DatasetOptions.SectionPath), diagnostics),
            PromptOptions.Bind(bound.Table(PromptOptions.SectionPath), diagnostics),
            RunOptions.Bind(bound.Table(RunOptions.SectionPath), diagnostics))
        {
            Plugins = PluginTables(root),
            BaseDirectory = baseDirectory,
        };
        PluginNameCheck.Check(settings, root, plugins, diagnostics);
        FamilyNameCheck.Check(settings, root, families?.Select(f => f.Name).ToList(), diagnostics);
        FamilySizeCheck.Check(settings, root, families, diagnostics);

        if (!diagnostics.HasErrors)
            AdviceRules.Run(new AdviceContext(settings, root) { Families = families ?? [] }, diagnostics);

        var ordered = diagnostics
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.Line == 0 ? int.MaxValue : x.d.Location.Line)
            .ThenBy(x => x.d.Location.Column)
            .ThenBy(x => x.i)
            .Select(x => MovedSetting(x.d, settings.Training.Optimizer))
            .ToList();
        return new WorkflowLoadResult(diagnostics.HasErrors ? null : settings, ordered, fileName, text, sha256, root)
        {
            FamilyDefaults = familyDefaults,
        };
    }

    /// <summary>
    /// An unknown-key error for a setting that used to be in [training] says where it lives now (configs and run folders
    /// written before plugin contract 2 have them).
    /// </summary>
    private static SettingsDiagnostic MovedSetting(SettingsDiagnostic diagnostic, string optimizer)
    {
        if (diagnostic.Code != ConfigErrorCodes.UnknownKey) return diagnostic;
        var table = optimizer is "adamw" or "adam" ? $"[plugins.{optimizer}]" : "the optimizer plugin's [plugins.<name>] table";
        return diagnostic.KeyPath switch
        {
            "training.betas" => diagnostic with { Message = $"[training] has no setting 'betas' any more: Adam's betas are settings of the optimizer plugin. Write them as beta1 = ... and beta2 = ... in {table}." },
            "training.eps" => diagnostic with { Message = $"[training] has no setting 'eps' any more: Adam's epsilon is a setting of the optimizer plugin. Write it as eps = ... in {table}." },
            _ => diagnostic,
        };
    }

    /// <summary>Top-level keys must be known sections, written as tables; plugin tables must be tables.</summary>
    private static void CheckSections(ConfigTable root, DiagnosticBag diagnostics)
    {
        foreach (var entry in root.Entries)
        {
            bool known = WorkflowSettings.SectionNames.Contains(entry.Key);
            if (known && entry.Value is ConfigTable table)
            {
                if (entry.Key == WorkflowSettings.PluginsSection)
                {
                    foreach (var plugin in table.Entries.Where(p => p.Value is not ConfigTable))
                        diagnostics.Error(ConfigErrorCodes.WrongType, plugin.KeyLocation, $"plugins.{plugin.Key}",
                            $"expected a table [plugins.{plugin.Key}] holding that plugin's settings, found {plugin.Value.TypeName} {plugin.Value}.");
                }
                continue;
            }
            if (known)
            {
                diagnostics.Error(ConfigErrorCodes.WrongType, entry.KeyLocation, entry.Key,
                    $"expected a table [{entry.Key}], found {entry.Value.TypeName} {entry.Value}.");
                continue;
            }

            // A setting written above every section is a common slip: say where it belongs.
            var owner = WorkflowSettings.Descriptors.FirstOrDefault(d => d.Key == entry.Key);
            if (entry.Value is not ConfigTable && owner is not null)
            {
                diagnostics.Error(ConfigErrorCodes.UnknownKey, entry.KeyLocation, entry.Key,
                    $"'{entry.Key}' is written outside every section; it is a setting of [{owner.Section}]: move it below the [{owner.Section}] header.");
                continue;
            }
            var hint = DidYouMean.Suggest(entry.Key, WorkflowSettings.SectionNames);
            diagnostics.Error(entry.Value is ConfigTable ? ConfigErrorCodes.UnknownSection : ConfigErrorCodes.UnknownKey, entry.KeyLocation, entry.Key,
                $"there is no [{entry.Key}] section.{(hint is null ? "" : $" Did you mean [{hint}]?")} Sections: {string.Join(", ", WorkflowSettings.SectionNames.Select(s => $"[{s}]"))}.");
        }
    }

    private static Dictionary<string, ConfigTable> PluginTables(ConfigTable root)
    {
        var tables = new Dictionary<string, ConfigTable>(StringComparer.Ordinal);
        if (root.Table(WorkflowSettings.PluginsSection) is { } plugins)
        {
            foreach (var entry in plugins.Entries)
            {
                if (entry.Value is ConfigTable table) tables[entry.Key] = table;
            }
        }
        return tables;
    }
}
