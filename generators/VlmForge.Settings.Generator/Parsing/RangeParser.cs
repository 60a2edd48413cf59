using System.Globalization;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>A parsed range: the model for the emitter plus the numbers, to check defaults at build time.</summary>
internal sealed class ParsedRange
{
    public ParsedRange(RangeModel model, double? minimum, double? maximum)
    {
        Model = model;
        Minimum = minimum;
        Maximum = maximum;
    }

    public RangeModel Model { get; }
    public double? Minimum { get; }
    public double? Maximum { get; }

    public bool Contains(double value)
    {
        if (Minimum is { } min && (Model.MinimumExclusive ? value <= min : value < min)) return false;
        if (Maximum is { } max && (Model.MaximumExclusive ? value >= max : value > max)) return false;
        return true;
    }
}

/// <summary>
/// Parses <c>range = "..."</c>: <c>[a, b]</c>, <c>(a, b]</c>, <c>[a, b)</c>, <c>(a, b)</c>, <c>&gt;= a</c>, <c>&gt; a</c>,
/// <c>&lt;= b</c>, <c>&lt; b</c> (the notation NumericRange prints at run time).
/// </summary>
internal static class RangeParser
{
    public static ParsedRange? Parse(ParseContext context, string key, TomlTableNode table, bool integral)
    {
        var node = context.String(table, "range");
        if (node is null) return null;
        var text = ((string)node.Value).Trim();
        var range = ParseText(text, integral, out var error);
        if (error is not null) context.Report(SchemaDiagnostics.InvalidRange, node.Location, key, text, error);
        return range;
    }

    /// <summary>Parses range notation; <paramref name="error"/> says what is wrong when the result is null.</summary>
    public static ParsedRange? ParseText(string text, bool integral, out string? error)
    {
        text = text.Trim();
        double? min = null, max = null;
        bool minExclusive = false, maxExclusive = false;
        error = null;

        if (text.StartsWith(">=") || text.StartsWith("<=") || text.StartsWith(">") || text.StartsWith("<"))
        {
            var op = text.StartsWith(">=") || text.StartsWith("<=") ? text.Substring(0, 2) : text.Substring(0, 1);
            if (!TryNumber(text.Substring(op.Length), out var bound)) error = "the bound is not a finite number";
            else if (op[0] == '>') { min = bound; minExclusive = op.Length == 1; }
            else { max = bound; maxExclusive = op.Length == 1; }
        }
        else if (text.Length >= 2 && (text[0] == '[' || text[0] == '(') && (text[text.Length - 1] == ']' || text[text.Length - 1] == ')'))
        {
            var parts = text.Substring(1, text.Length - 2).Split(',');
            if (parts.Length != 2 || !TryNumber(parts[0], out var a) || !TryNumber(parts[1], out var b))
                error = "write two finite numbers separated by a comma";
            else if (a > b)
                error = "the lower bound is greater than the upper bound";
            else
            {
                min = a; max = b;
                minExclusive = text[0] == '(';
                maxExclusive = text[text.Length - 1] == ')';
            }
        }
        else
        {
            error = "use [a, b], (a, b], [a, b), (a, b), >= a, > a, <= b or < b";
        }

        if (error is null && integral && ((min is { } lo && lo != System.Math.Floor(lo)) || (max is { } hi && hi != System.Math.Floor(hi))))
            error = "an int setting needs integer bounds";
        if (error is not null) return null;

        var model = new RangeModel(Normalize(min, minExclusive, max, maxExclusive),
            min is { } x ? Literals.Number(x) : null, minExclusive,
            max is { } y ? Literals.Number(y) : null, maxExclusive);
        return new ParsedRange(model, min, max);
    }

    /// <summary>The same text NumericRange.ToString gives at run time.</summary>
    private static string Normalize(double? min, bool minExclusive, double? max, bool maxExclusive)
    {
        if (min is { } a && max is { } b)
            return $"{(minExclusive ? "(" : "[")}{Literals.Number(a)}, {Literals.Number(b)}{(maxExclusive ? ")" : "]")}";
        if (min is { } lower) return $"{(minExclusive ? ">" : ">=")} {Literals.Number(lower)}";
        return $"{(maxExclusive ? "<" : "<=")} {Literals.Number(max!.Value)}";
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);
}
