using System.Text;

namespace VlmForge.Settings.Documentation;

/// <summary>Markdown reference of every setting (<c>vlmforge settings --format markdown</c>).</summary>
public static class SettingsMarkdownRenderer
{
    /// <summary>A heading per section and a table of its settings.</summary>
    public static string Render(IEnumerable<SettingsSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var text = new StringBuilder("# vlmforge.toml settings\n");
        foreach (var section in sections)
        {
            text.Append("\n## [").Append(section.Path).Append("]\n\n");
            text.Append(SettingsTextRenderer.OneLine(section.Description)).Append("\n\n");
            text.Append("| Key | Type | Default | Allowed | Description |\n");
            text.Append("|-----|------|---------|---------|-------------|\n");
            foreach (var s in section.Settings)
            {
                var allowed = new List<string>();
                if (s.Range is not null) allowed.Add(s.Type == "list" ? $"each {s.Range}" : s.Range);
                if (s.MinItems is not null || s.MaxItems is not null) allowed.Add($"{SettingsTextRenderer.Length(s)} items");
                if (s.AllowedValues.Count > 0) allowed.Add(string.Join(", ", s.AllowedValues.Select(v => $"`{v}`")));
                if (s.BuiltInPlugins.Count > 0) allowed.Add("built-in: " + string.Join(", ", s.BuiltInPlugins.Select(v => $"`{v}`")) + ", or an installed plugin");
                text.Append("| `").Append(s.Key).Append("` | ").Append(Cell(s.DisplayType))
                    .Append(" | ").Append(s.Default is null ? "not set" : $"`{Cell(s.Default)}`")
                    .Append(" | ").Append(Cell(string.Join("; ", allowed)))
                    .Append(" | ").Append(Cell(SettingsTextRenderer.OneLine(s.Documentation))).Append(" |\n");
            }
        }
        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
