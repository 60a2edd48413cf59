using System.Text;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Documentation;

/// <summary>Plain-text list of settings for the terminal (<c>vlmforge settings</c>).</summary>
public static class SettingsTextRenderer
{
    /// <summary>Every setting: key, type, default, range or allowed values, then its documentation indented.</summary>
    public static string Render(IEnumerable<SettingsSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var text = new StringBuilder();
        foreach (var section in sections)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append('[').Append(section.Path).Append("]  ").Append(OneLine(section.Description)).Append('\n');
            foreach (var setting in section.Settings)
            {
                text.Append("  ").Append(setting.Key).Append("  ").Append(setting.DisplayType);
                text.Append("  default ").Append(setting.Default ?? "(not set)");
                if (setting.Range is not null) text.Append("  range ").Append(setting.Range).Append(setting.Type == "list" ? " per item" : "");
                if (setting.MinItems is not null || setting.MaxItems is not null) text.Append("  items ").Append(Length(setting));
                if (setting.AllowedValues.Count > 0) text.Append("  one of ").Append(string.Join(", ", setting.AllowedValues));
                if (setting.BuiltInPlugins.Count > 0) text.Append("  built-in ").Append(string.Join(", ", setting.BuiltInPlugins));
                text.Append('\n');
                foreach (var line in setting.Documentation.Split('\n'))
                    text.Append("      ").Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    internal static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    internal static string Length(SettingDescriptor setting) =>
        setting.MinItems == setting.MaxItems ? $"exactly {setting.MinItems}"
        : setting.MaxItems is null ? $">= {setting.MinItems}"
        : setting.MinItems is null ? $"<= {setting.MaxItems}" : $"{setting.MinItems}-{setting.MaxItems}";
}
