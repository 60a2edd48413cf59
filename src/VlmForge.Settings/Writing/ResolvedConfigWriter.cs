using System.Text;
using VlmForge.Abstractions.IO;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Writing;

/// <summary>
/// Writes the resolved configuration: every key of every section, defaults included, in schema order and canonical
/// form (invariant numbers, basic strings), then the plugin tables sorted by name. Two configs that mean the same
/// thing give the same text, so run folders and snapshots can be compared with a plain diff.
/// </summary>
public static class ResolvedConfigWriter
{
    /// <summary>The resolved TOML of <paramref name="settings"/>, with "\n" line ends.</summary>
    /// <param name="settings">The validated workflow.</param>
    /// <param name="header">Optional comment lines for the top (for example where the config came from).</param>
    public static string Write(WorkflowSettings settings, IEnumerable<string>? header = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        foreach (var line in header ?? [])
            text.Append("# ").Append(line).Append('\n');
        if (text.Length > 0) text.Append('\n');

        var writer = new TomlTableWriter(text);
        Section(writer, ModelOptions.SectionPath, settings.Model);
        Section(writer, TrainingOptions.SectionPath, settings.Training);
        Section(writer, EvaluationOptions.SectionPath, settings.Evaluation);
        Section(writer, DatasetOptions.SectionPath, settings.Dataset);
        Section(writer, PromptOptions.SectionPath, settings.Prompt);
        Section(writer, RunOptions.SectionPath, settings.Run);

        foreach (var (name, table) in settings.Plugins.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.BlankLine();
            writer.Header($"{WorkflowSettings.PluginsSection}.{name}");
            foreach (var entry in table.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                writer.Write(entry.Key, entry.Value);
        }
        return text.ToString();
    }

    /// <summary>Writes the resolved TOML to <paramref name="path"/> (UTF-8 without BOM), replacing the file atomically.</summary>
    public static void WriteFile(WorkflowSettings settings, string path, IEnumerable<string>? header = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DurableFile.WriteAllText(path, Write(settings, header));
    }

    private static void Section<T>(TomlTableWriter writer, string path, T options) where T : ISettingsSection<T>
    {
        if (path != ModelOptions.SectionPath) writer.BlankLine();
        writer.Header(path);
        options.WriteTo(writer);
    }
}
