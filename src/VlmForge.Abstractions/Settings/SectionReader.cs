using System.Globalization;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// Typed, located reads of one config table. Generated option types call it for every setting; it reports each
/// problem (wrong type, out of range, unknown enum value, wrong list length, unknown key) to a
/// <see cref="DiagnosticBag"/> with the file, line and column of the value, and returns the default instead so
/// that one pass finds every problem.
/// </summary>
public sealed class SectionReader
{
    private readonly ConfigTable? _table;
    private readonly DiagnosticBag _diagnostics;

    /// <summary>Reads <paramref name="table"/>, the table at <paramref name="sectionPath"/>.</summary>
    /// <param name="table">The table as written, or <see langword="null"/> when the section is absent (every read returns its default).</param>
    /// <param name="sectionPath">Dotted path of the table, for key paths in messages.</param>
    /// <param name="diagnostics">Where problems go.</param>
    public SectionReader(ConfigTable? table, string sectionPath, DiagnosticBag diagnostics)
    {
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        ArgumentNullException.ThrowIfNull(diagnostics);
        _table = table;
        SectionPath = sectionPath;
        _diagnostics = diagnostics;
    }

    /// <summary>Dotted path of the table being read.</summary>
    public string SectionPath { get; }

    /// <summary>True when the file sets <paramref name="key"/>.</summary>
    public bool Has(string key) => _table is not null && _table.TryGet(key, out _);

    /// <summary>Where <paramref name="key"/>'s value is written; the table's location when the key is absent.</summary>
    public SourceLocation LocationOf(string key) =>
        _table is null ? SourceLocation.None : _table.TryGet(key, out var entry) ? entry.Value.Location : _table.Location;

    /// <summary>Reads a boolean.</summary>
    public bool ReadBool(string key, bool defaultValue) =>
        Scalar(key) switch
        {
            null => defaultValue,
            { Value: bool b } => b,
            var other => WrongType(key, other, "a boolean (true or false)", defaultValue),
        };

    /// <summary>Reads a 32-bit integer that must lie in <paramref name="range"/> (when given).</summary>
    public int ReadInt(string key, int defaultValue, NumericRange? range = null) =>
        ReadOptionalInt(key, range) ?? defaultValue;

    /// <summary>Reads an optional 32-bit integer; <see langword="null"/> when absent or wrong.</summary>
    public int? ReadOptionalInt(string key, NumericRange? range = null)
    {
        var node = Scalar(key);
        if (node is null) return null;
        if (node.Value is not long value)
        {
            var hint = node.Value is double d && d == Math.Floor(d) && double.IsFinite(d)
                ? $" Write {TomlFormat.Integer((long)d)} without a decimal point."
                : node.Value is string s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                    ? " Write the number without quotes." : "";
            return WrongType<int?>(key, node, "an integer", null, hint);
        }
        if (value is < int.MinValue or > int.MaxValue)
            return OutOfRange<int?>(key, node, range ?? new NumericRange(int.MinValue, false, int.MaxValue, false), null);
        if (range is not null && !range.Contains(value))
            return OutOfRange<int?>(key, node, range, null);
        return (int)value;
    }

    /// <summary>Reads a float (an integer is accepted too) that must lie in <paramref name="range"/> (when given).</summary>
    public double ReadFloat(string key, double defaultValue, NumericRange? range = null) =>
        ReadOptionalFloat(key, range) ?? defaultValue;

    /// <summary>Reads an optional float; <see langword="null"/> when absent or wrong.</summary>
    public double? ReadOptionalFloat(string key, NumericRange? range = null)
    {
        var node = Scalar(key);
        if (node is null) return null;
        double value;
        switch (node.Value)
        {
            case double d: value = d; break;
            case long l: value = l; break;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                return WrongType<double?>(key, node, "a number", null, " Write the number without quotes.");
            default:
                return WrongType<double?>(key, node, "a number", null);
        }
        if (!double.IsFinite(value))
        {
            Error(ConfigErrorCodes.OutOfRange, node.Location, key, $"found {node}; the value must be a finite number.");
            return null;
        }
        if (range is not null && !range.Contains(value))
            return OutOfRange<double?>(key, node, range, null);
        return value;
    }

    /// <summary>Reads a string. Empty strings are allowed unless <paramref name="allowEmpty"/> is false.</summary>
    public string ReadString(string key, string defaultValue, bool allowEmpty = true) =>
        ReadOptionalString(key, allowEmpty) ?? defaultValue;

    /// <summary>Reads an optional string; <see langword="null"/> when absent or wrong.</summary>
    public string? ReadOptionalString(string key, bool allowEmpty = true)
    {
        var node = Scalar(key);
        if (node is null) return null;
        if (node.Value is not string s)
            return WrongType<string?>(key, node, "a string", null, node.Value is long or double or bool ? " Put the value in quotes." : "");
        if (!allowEmpty && s.Length == 0)
        {
            Error(ConfigErrorCodes.InvalidValue, node.Location, key, "found an empty string; remove the key to leave the setting unset, or give a value.");
            return null;
        }
        return s;
    }

    /// <summary>Reads a file or folder path as written (relative paths are relative to the config file); never empty.</summary>
    public string ReadPath(string key, string defaultValue) => ReadOptionalPath(key) ?? defaultValue;

    /// <summary>Reads an optional path; <see langword="null"/> when absent or wrong (empty, or holding a control character).</summary>
    public string? ReadOptionalPath(string key)
    {
        var path = ReadOptionalString(key, allowEmpty: false);
        if (path is null) return null;
        int bad = path.AsSpan().IndexOfAnyInRange('\0', '\x1f');
        if (bad < 0) return path;
        Error(ConfigErrorCodes.InvalidValue, LocationOf(key), key,
            $"the path holds the control character U+{(int)path[bad]:X4} at character {bad + 1}, which no file name can hold. Write the path without it.");
        return null;
    }

    /// <summary>
    /// Reads a plugin name: a non-empty lower-case name (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>). Whether a
    /// plugin of that name is installed is the loader's question, not the section's.
    /// </summary>
    public string ReadPluginName(string key, string defaultValue)
    {
        var name = ReadOptionalString(key, allowEmpty: false);
        if (name is null) return defaultValue;
        if (!IsPluginName(name))
        {
            var lower = name.ToLowerInvariant();
            var hint = IsPluginName(lower) ? $" Plugin names are lower-case: write \"{lower}\"." : " Plugin names use lower-case letters, digits, '_', '-' and '.'.";
            Error(ConfigErrorCodes.InvalidValue, LocationOf(key), key, $"found \"{name}\", which is not a plugin name.{hint}");
            return defaultValue;
        }
        return name;
    }

    /// <summary>True for lower-case names made of letters, digits, <c>_</c>, <c>-</c> and <c>.</c>, starting with a letter or digit.</summary>
    public static bool IsPluginName(string name) =>
        name.Length > 0 && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0])) &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.');

    /// <summary>Reads one of an enum's TOML names.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">Returned when absent or wrong.</param>
    /// <param name="names">Every allowed TOML name with its enum value, in schema order.</param>
    public TEnum ReadEnum<TEnum>(string key, TEnum defaultValue, IReadOnlyList<KeyValuePair<string, TEnum>> names)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(names);
        var node = Scalar(key);
        if (node is null) return defaultValue;
        var allowed = string.Join(", ", names.Select(n => TomlFormat.String(n.Key)));
        if (node.Value is not string s)
            return WrongType(key, node, $"one of {allowed}", defaultValue);
        foreach (var pair in names)
        {
            if (string.Equals(pair.Key, s, StringComparison.Ordinal)) return pair.Value;
        }
        Error(ConfigErrorCodes.UnknownEnumValue, node.Location, key,
            $"found {node}, which is not allowed; allowed: {allowed}.{DidYouMean.Hint(s, names.Select(n => n.Key))}");
        return defaultValue;
    }

    /// <summary>Reads a list of strings with an optional item-count limit.</summary>
    public SettingList<string> ReadStringList(string key, SettingList<string> defaultValue, int? minItems = null, int? maxItems = null) =>
        ReadList(key, defaultValue, minItems, maxItems, "strings", item => item.Value is string s ? (true, s) : (false, ""));

    /// <summary>Reads a list of 32-bit integers, each in <paramref name="itemRange"/> (when given).</summary>
    public SettingList<int> ReadIntList(string key, SettingList<int> defaultValue, NumericRange? itemRange = null, int? minItems = null, int? maxItems = null) =>
        ReadList(key, defaultValue, minItems, maxItems, "integers", item =>
            item.Value is long l && l is >= int.MinValue and <= int.MaxValue ? (true, (int)l) : (false, 0), itemRange, v => v);

    /// <summary>Reads a list of floats (integers accepted), each in <paramref name="itemRange"/> (when given).</summary>
    public SettingList<double> ReadFloatList(string key, SettingList<double> defaultValue, NumericRange? itemRange = null, int? minItems = null, int? maxItems = null) =>
        ReadList(key, defaultValue, minItems, maxItems, "numbers", item => item.Value switch
        {
            double d when double.IsFinite(d) => (true, d),
            long l => (true, (double)l),
            _ => (false, 0d),
        }, itemRange, v => v);

    /// <summary>Reports a broken rule of the schema at <paramref name="key"/>, or at <paramref name="otherKey"/> when only that one is written.</summary>
    public void ReportRule(string key, string otherKey, string message)
    {
        var at = Has(key) || !Has(otherKey) ? key : otherKey;
        Error(ConfigErrorCodes.RuleViolation, LocationOf(at), at, message);
    }

    /// <summary>Reports every key of the table that is not in <paramref name="knownKeys"/>, with a "did you mean".</summary>
    public void ReportUnknownKeys(IReadOnlyCollection<string> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(knownKeys);
        if (_table is null) return;
        foreach (var entry in _table.Entries)
        {
            if (knownKeys.Contains(entry.Key)) continue;
            var suggestion = DidYouMean.Suggest(entry.Key, knownKeys);
            var hint = suggestion is not null
                ? $" Did you mean '{suggestion}'?"
                : $" Known keys: {string.Join(", ", knownKeys)}.";
            Error(ConfigErrorCodes.UnknownKey, entry.KeyLocation, entry.Key, $"[{SectionPath}] has no setting '{entry.Key}'.{hint}");
        }
    }

    private ConfigValue? Scalar(string key)
    {
        if (_table is null || !_table.TryGet(key, out var entry)) return null;
        if (entry.Value is ConfigValue value) return value;
        WrongType<object?>(key, entry.Value, "a single value", null);
        return null;
    }

    private SettingList<T> ReadList<T>(string key, SettingList<T> defaultValue, int? minItems, int? maxItems, string itemsName,
        Func<ConfigValue, (bool Ok, T Value)> convert, NumericRange? itemRange = null, Func<T, double>? number = null)
    {
        if (_table is null || !_table.TryGet(key, out var entry)) return defaultValue;
        if (entry.Value is not ConfigArray array)
            return WrongType(key, entry.Value, $"an array of {itemsName}", defaultValue);

        var items = new List<T>(array.Items.Count);
        bool ok = true;
        for (int i = 0; i < array.Items.Count; i++)
        {
            var item = array.Items[i];
            var (converted, value) = item is ConfigValue v ? convert(v) : (false, default!);
            if (!converted)
            {
                Error(ConfigErrorCodes.WrongType, item.Location, $"{key}[{i}]", $"expected an item of {itemsName}, found {Describe(item)}.");
                ok = false;
                continue;
            }
            if (itemRange is not null && number is not null && !itemRange.Contains(number(value)))
            {
                Error(ConfigErrorCodes.OutOfRange, item.Location, $"{key}[{i}]", $"found {Describe(item)}; each item must be {itemRange.Describe()} ({itemRange}).");
                ok = false;
                continue;
            }
            items.Add(value);
        }

        int count = array.Items.Count;
        if ((minItems is { } min && count < min) || (maxItems is { } max && count > max))
        {
            var expected = minItems == maxItems ? $"exactly {minItems}"
                : minItems is not null && maxItems is not null ? $"{minItems} to {maxItems}"
                : minItems is not null ? $"at least {minItems}" : $"at most {maxItems}";
            Error(ConfigErrorCodes.WrongLength, array.Location, key, $"expected {expected} item(s), found {count}: {TomlFormat.Node(array)}.");
            ok = false;
        }
        return ok ? new SettingList<T>(items) : defaultValue;
    }

    private T WrongType<T>(string key, ConfigNode found, string expected, T fallback, string hint = "")
    {
        Error(ConfigErrorCodes.WrongType, found.Location, key, $"expected {expected}, found {Describe(found)}.{hint}");
        return fallback;
    }

    private T OutOfRange<T>(string key, ConfigNode found, NumericRange range, T fallback)
    {
        Error(ConfigErrorCodes.OutOfRange, found.Location, key, $"found {found}; the value must be {range.Describe()} ({range}).");
        return fallback;
    }

    private static string Describe(ConfigNode node) => node switch
    {
        ConfigValue v => $"{v.TypeName} {TomlFormat.Node(v)}",
        ConfigArray a => $"an array {TomlFormat.Node(a)}",
        ConfigTable => "a table",
        _ => node.TypeName,
    };

    private void Error(string code, SourceLocation location, string key, string message) =>
        _diagnostics.Error(code, location, $"{SectionPath}.{key}", message);
}
