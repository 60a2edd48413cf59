using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>
/// TOML and C# text for schema values, always under the invariant culture: a default written <c>1e-4</c> stays
/// <c>1e-4</c>, never <c>1E-04</c> or <c>0,0001</c>.
/// </summary>
internal static class Literals
{
    // A float the way both TOML and C# read it (no sign, inf or nan).
    private static readonly Regex PlainFloat = new("^[0-9](_?[0-9])*(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$", RegexOptions.CultureInvariant);

    /// <summary>Shortest round-trip text: <c>100</c>, <c>0.0001</c>, <c>1e-8</c>.</summary>
    public static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        if (e < 0) return text;
        var exponent = int.Parse(text.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text.Substring(0, e) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A float as TOML text: the schema's own spelling when it is plain, otherwise <see cref="Number"/> with a decimal point.</summary>
    public static string Float(double value, string? writtenAs)
    {
        if (writtenAs is not null && PlainFloat.IsMatch(writtenAs) && (writtenAs.IndexOf('.') >= 0 || writtenAs.IndexOfAny(new[] { 'e', 'E' }) >= 0))
            return writtenAs;
        var text = Number(value);
        return text.IndexOf('.') >= 0 || text.IndexOf('e') >= 0 ? text : text + ".0";
    }

    /// <summary>A C# double literal for a float written as <paramref name="toml"/> (negative numbers keep their sign).</summary>
    public static string CSharpDouble(string toml) => toml.StartsWith("+", StringComparison.Ordinal) ? toml.Substring(1) : toml;

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A TOML basic string.</summary>
    public static string TomlString(string value)
    {
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
                default:
                    if (char.IsControl(c)) builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A C# regular string literal.</summary>
    public static string CSharpString(string value)
    {
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
                case '\0': builder.Append("\\0"); break;
                default:
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }
}
