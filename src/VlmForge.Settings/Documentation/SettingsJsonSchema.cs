using System.Text;
using System.Text.Json;
using VlmForge.Abstractions.Settings;
using VlmForge.Settings.Toml;

namespace VlmForge.Settings.Documentation;

/// <summary>
/// A JSON Schema (draft-07) of vlmforge.toml for TOML editors (Taplo / Even Better TOML): completion of sections,
/// keys, enum values and built-in plugin names, with descriptions, defaults and numeric ranges.
/// </summary>
public static class SettingsJsonSchema
{
    /// <summary>The schema as indented JSON.</summary>
    public static string Write(IEnumerable<SettingsSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            json.WriteString("title", "VlmForge workflow (vlmforge.toml)");
            json.WriteString("description", "One TOML file holds a whole VlmForge workflow: model, training, evaluation, dataset, prompt and run. Run `vlmforge check` to validate it.");
            json.WriteString("type", "object");
            json.WriteBoolean("additionalProperties", false);
            json.WriteStartObject("properties");
            foreach (var section in sections.Where(s => !s.Path.Contains('.', StringComparison.Ordinal)))
                WriteSection(json, section);
            WritePlugins(json, sections.Where(s => s.Path.StartsWith(WorkflowSettings.PluginsSection + ".", StringComparison.Ordinal)).ToList());
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static void WriteSection(Utf8JsonWriter json, SettingsSection section)
    {
        json.WriteStartObject(section.Path.Split('.')[^1]);
        json.WriteString("type", "object");
        json.WriteString("description", SettingsTextRenderer.OneLine(section.Description));
        json.WriteBoolean("additionalProperties", false);
        json.WriteStartObject("properties");
        foreach (var setting in section.Settings)
            WriteSetting(json, setting);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePlugins(Utf8JsonWriter json, IReadOnlyList<SettingsSection> pluginSections)
    {
        json.WriteStartObject(WorkflowSettings.PluginsSection);
        json.WriteString("type", "object");
        json.WriteString("description", "Each plugin's own settings, in [plugins.<name>]; the named plugin validates its table.");
        if (pluginSections.Count > 0)
        {
            json.WriteStartObject("properties");
            foreach (var section in pluginSections) WriteSection(json, section);
            json.WriteEndObject();
        }
        json.WriteStartObject("additionalProperties");
        json.WriteString("type", "object");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSetting(Utf8JsonWriter json, SettingDescriptor setting)
    {
        json.WriteStartObject(setting.Key);
        var description = SettingsTextRenderer.OneLine(setting.Documentation);
        json.WriteString("description", description);
        json.WriteString("markdownDescription", $"{description}\n\n`{setting.Path}`: {setting.DisplayType}, default `{setting.Default ?? "not set"}`{(setting.Range is null ? "" : $", range `{setting.Range}`")}");
        switch (setting.Type)
        {
            case "bool":
                json.WriteString("type", "boolean");
                break;
            case "int":
                json.WriteString("type", "integer");
                WriteBounds(json, setting.Bounds);
                break;
            case "float":
                json.WriteString("type", "number");
                WriteBounds(json, setting.Bounds);
                break;
            case "enum":
                json.WriteString("type", "string");
                json.WriteStartArray("enum");
                foreach (var value in setting.AllowedValues) json.WriteStringValue(value);
                json.WriteEndArray();
                break;
            case "plugin":
                // Built-in names complete; any installed plugin's lower-case name is valid too.
                json.WriteStartArray("anyOf");
                json.WriteStartObject();
                json.WriteString("type", "string");
                json.WriteStartArray("enum");
                foreach (var value in setting.BuiltInPlugins) json.WriteStringValue(value);
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("type", "string");
                json.WriteString("pattern", "^[a-z0-9][a-z0-9_.-]*$");
                json.WriteEndObject();
                json.WriteEndArray();
                break;
            case "list":
                json.WriteString("type", "array");
                json.WriteStartObject("items");
                json.WriteString("type", setting.ItemType switch { "int" => "integer", "float" => "number", _ => "string" });
                WriteBounds(json, setting.Bounds);
                json.WriteEndObject();
                if (setting.MinItems is { } min) json.WriteNumber("minItems", min);
                if (setting.MaxItems is { } max) json.WriteNumber("maxItems", max);
                break;
            case "path":
                json.WriteString("type", "string");
                json.WriteNumber("minLength", 1);
                break;
            default:
                json.WriteString("type", "string");
                break;
        }
        if (setting.Default is not null)
        {
            json.WritePropertyName("default");
            WriteDefault(json, setting);
        }
        json.WriteEndObject();
    }

    private static void WriteBounds(Utf8JsonWriter json, NumericRange? bounds)
    {
        if (bounds is null) return;
        if (bounds.Minimum is { } min) json.WriteNumber(bounds.MinimumExclusive ? "exclusiveMinimum" : "minimum", min);
        if (bounds.Maximum is { } max) json.WriteNumber(bounds.MaximumExclusive ? "exclusiveMaximum" : "maximum", max);
    }

    /// <summary>Defaults are TOML text in the descriptors; the config parser reads them back into values.</summary>
    private static void WriteDefault(Utf8JsonWriter json, SettingDescriptor setting)
    {
        var table = ConfigTreeBuilder.Parse($"v = {setting.Default}", "default", new DiagnosticBag());
        if (!table.TryGet("v", out var entry))
            throw new InvalidOperationException($"The default of {setting.Path} is not TOML: {setting.Default}");
        WriteNode(json, entry.Value, setting.Type == "float" || setting.ItemType == "float");
    }

    private static void WriteNode(Utf8JsonWriter json, ConfigNode node, bool asFloat)
    {
        switch (node)
        {
            case ConfigValue { Value: string s }: json.WriteStringValue(s); break;
            case ConfigValue { Value: bool b }: json.WriteBooleanValue(b); break;
            case ConfigValue { Value: long l } when asFloat: json.WriteNumberValue((double)l); break;
            case ConfigValue { Value: long l }: json.WriteNumberValue(l); break;
            case ConfigValue { Value: double d }: json.WriteNumberValue(d); break;
            case ConfigArray a:
                json.WriteStartArray();
                foreach (var item in a.Items) WriteNode(json, item, asFloat);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(node.ToString()); break;
        }
    }
}
