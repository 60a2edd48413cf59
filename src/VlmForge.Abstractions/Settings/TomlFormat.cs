using System.Globalization;
using System.Text;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// Writes values as TOML text under the invariant culture, the same way everywhere (resolved configs,
/// descriptors, messages): floats keep a decimal point or exponent (<c>1e-8</c>, never <c>1E-08</c>),
/// strings are basic strings with escapes.
/// </summary>
public static class TomlFormat
{
    /// <summary>A TOML float: shortest round-trip digits, lower-case exponent, always recognisably a float.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        var text = Number(value);
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    /// <summary>
    /// A number as short as it round-trips: <c>100</c>, <c>0.0001</c>, <c>1e-8</c>. Integral values have no
    /// decimal point (use <see cref="Float"/> where TOML must read a float).
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) return Float(value);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text;
        // "1E-08" -> "1e-8": TOML and C# both accept it, and it is what people write.
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return $"{text[..e]}e{exponent.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>A TOML integer.</summary>
    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A TOML boolean.</summary>
    public static string Boolean(bool value) => value ? "true" : "false";

    /// <summary>A TOML basic string, quoted, with backslash, quote and control characters escaped.</summary>
    public static string String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (char.IsControl(c)) builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A key: bare when it only has letters, digits, <c>_</c> and <c>-</c>, quoted otherwise.</summary>
    public static string Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : String(key);
    }

    /// <summary>A TOML array of already formatted items, on one line.</summary>
    public static string Array(IEnumerable<string> formattedItems) => $"[{string.Join(", ", formattedItems)}]";

    /// <summary>Any value read from a config, written back as TOML (tables inline, datetimes as ISO 8601).</summary>
    public static string Node(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node switch
        {
            ConfigValue { Value: string s } => String(s),
            ConfigValue { Value: long l } => Integer(l),
            ConfigValue { Value: double d } => Float(d),
            ConfigValue { Value: bool b } => Boolean(b),
            ConfigValue { Value: DateTimeOffset t } => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            ConfigValue v => v.ToString(),
            ConfigArray a => Array(a.Items.Select(Node)),
            ConfigTable t => t.Entries.Count == 0 ? "{}" : $"{{ {string.Join(", ", t.Entries.Select(e => $"{Key(e.Key)} = {Node(e.Value)}"))} }}",
            _ => throw new ArgumentException($"Unknown config node type {node.GetType().Name}.", nameof(node)),
        };
    }
}
