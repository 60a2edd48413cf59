using System.Globalization;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// The allowed interval of a number setting, for example <c>[1, 100000]</c>, <c>(0, 1]</c> or <c>&gt;= 0</c>.
/// A missing bound is unbounded on that side.
/// </summary>
/// <param name="Minimum">Lower bound, or <see langword="null"/> when there is none.</param>
/// <param name="MinimumExclusive">True when <paramref name="Minimum"/> itself is not allowed.</param>
/// <param name="Maximum">Upper bound, or <see langword="null"/> when there is none.</param>
/// <param name="MaximumExclusive">True when <paramref name="Maximum"/> itself is not allowed.</param>
public sealed record NumericRange(double? Minimum, bool MinimumExclusive, double? Maximum, bool MaximumExclusive)
{
    /// <summary>True when <paramref name="value"/> lies inside the interval (NaN never does).</summary>
    public bool Contains(double value)
    {
        if (double.IsNaN(value)) return false;
        if (Minimum is { } min && (MinimumExclusive ? value <= min : value < min)) return false;
        if (Maximum is { } max && (MaximumExclusive ? value >= max : value > max)) return false;
        return true;
    }

    /// <summary>The interval as people write it: <c>[1, 100000]</c>, <c>(0, 1]</c>, <c>&gt;= 0</c> or <c>&lt; 1</c>.</summary>
    public override string ToString()
    {
        if (Minimum is { } min && Maximum is { } max)
            return $"{(MinimumExclusive ? "(" : "[")}{TomlFormat.Number(min)}, {TomlFormat.Number(max)}{(MaximumExclusive ? ")" : "]")}";
        if (Minimum is { } lower)
            return $"{(MinimumExclusive ? ">" : ">=")} {TomlFormat.Number(lower)}";
        if (Maximum is { } upper)
            return $"{(MaximumExclusive ? "<" : "<=")} {TomlFormat.Number(upper)}";
        return "any";
    }

    /// <summary>The interval in words for error messages, for example <c>between 0 (exclusive) and 1</c>.</summary>
    public string Describe()
    {
        static string Bound(double v, bool exclusive) =>
            exclusive ? $"{TomlFormat.Number(v)} (exclusive)" : TomlFormat.Number(v);

        if (Minimum is { } min && Maximum is { } max)
            return $"between {Bound(min, MinimumExclusive)} and {Bound(max, MaximumExclusive)}";
        if (Minimum is { } lower)
            return MinimumExclusive ? $"greater than {TomlFormat.Number(lower)}" : $"at least {TomlFormat.Number(lower)}";
        if (Maximum is { } upper)
            return MaximumExclusive ? $"less than {TomlFormat.Number(upper)}" : $"at most {TomlFormat.Number(upper)}";
        return "any number";
    }

    /// <summary>
    /// Parses the notation <see cref="ToString"/> writes: <c>[a, b]</c>, <c>(a, b]</c>, <c>[a, b)</c>, <c>(a, b)</c>,
    /// <c>&gt;= a</c>, <c>&gt; a</c>, <c>&lt;= b</c>, <c>&lt; b</c>. Numbers use the invariant culture.
    /// </summary>
    public static bool TryParse(string? text, out NumericRange? range)
    {
        range = null;
        if (text is null) return false;
        var s = text.Trim();
        if (s.Length < 2) return false;

        foreach (var (op, isMin, exclusive) in new[] { (">=", true, false), ("<=", false, false), (">", true, true), ("<", false, true) })
        {
            if (!s.StartsWith(op, StringComparison.Ordinal)) continue;
            if (!TryNumber(s[op.Length..], out var bound)) return false;
            range = isMin ? new NumericRange(bound, exclusive, null, false) : new NumericRange(null, false, bound, exclusive);
            return true;
        }

        char open = s[0], close = s[^1];
        if (open is not ('[' or '(') || close is not (']' or ')')) return false;
        var parts = s[1..^1].Split(',');
        if (parts.Length != 2 || !TryNumber(parts[0], out var a) || !TryNumber(parts[1], out var b) || a > b) return false;
        range = new NumericRange(a, open == '(', b, close == ')');
        return true;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
