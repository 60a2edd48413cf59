using System.Text;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// Writes the <c>key = value</c> lines of one TOML table in canonical form (see <see cref="TomlFormat"/>).
/// Generated option types use it to write resolved configurations.
/// </summary>
public sealed class TomlTableWriter
{
    private readonly StringBuilder _text;

    /// <summary>Writes into <paramref name="text"/>.</summary>
    public TomlTableWriter(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    /// <summary>Writes a table header line, <c>[section]</c>.</summary>
    public void Header(string sectionPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        _text.Append('[').Append(string.Join('.', sectionPath.Split('.').Select(TomlFormat.Key))).Append("]\n");
    }

    /// <summary>Writes an empty line.</summary>
    public void BlankLine() => _text.Append('\n');

    /// <summary>Writes a boolean.</summary>
    public void Write(string key, bool value) => Line(key, TomlFormat.Boolean(value));

    /// <summary>Writes an integer.</summary>
    public void Write(string key, long value) => Line(key, TomlFormat.Integer(value));

    /// <summary>Writes a float.</summary>
    public void Write(string key, double value) => Line(key, TomlFormat.Float(value));

    /// <summary>Writes a string (also paths, enum names and plugin names); an unset one as a <see cref="Unset"/> comment.</summary>
    public void Write(string key, string? value)
    {
        if (value is null) Unset(key);
        else Line(key, TomlFormat.String(value));
    }

    /// <summary>Writes an optional integer; an unset one as a <see cref="Unset"/> comment.</summary>
    public void Write(string key, long? value)
    {
        if (value is { } v) Write(key, v);
        else Unset(key);
    }

    /// <summary>Writes an optional float; an unset one as a <see cref="Unset"/> comment.</summary>
    public void Write(string key, double? value)
    {
        if (value is { } v) Write(key, v);
        else Unset(key);
    }

    /// <summary>
    /// Writes <c># key: not set</c> for an optional setting without a value: TOML has no null, and a resolved
    /// configuration still names every key.
    /// </summary>
    public void Unset(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _text.Append("# ").Append(TomlFormat.Key(key)).Append(": not set\n");
    }

    /// <summary>Writes a list of strings.</summary>
    public void Write(string key, SettingList<string> values) => Line(key, TomlFormat.Array(values.Select(TomlFormat.String)));

    /// <summary>Writes a list of integers.</summary>
    public void Write(string key, SettingList<int> values) => Line(key, TomlFormat.Array(values.Select(v => TomlFormat.Integer(v))));

    /// <summary>Writes a list of floats.</summary>
    public void Write(string key, SettingList<double> values) => Line(key, TomlFormat.Array(values.Select(TomlFormat.Float)));

    /// <summary>Writes any value read from a config as it was typed (used for raw plugin tables).</summary>
    public void Write(string key, ConfigNode value) => Line(key, TomlFormat.Node(value));

    private void Line(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _text.Append(TomlFormat.Key(key)).Append(" = ").Append(value).Append('\n');
    }
}
