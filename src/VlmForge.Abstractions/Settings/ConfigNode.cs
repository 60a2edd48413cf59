using System.Diagnostics.CodeAnalysis;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// A value read from a TOML config, with the place it was written. The host parses the file once (keeping
/// positions from the syntax tree) and hands these nodes to settings binders, so every error can point at
/// the text the user wrote.
/// </summary>
public abstract class ConfigNode
{
    /// <summary>Creates a node at <paramref name="location"/>.</summary>
    protected ConfigNode(SourceLocation location) => Location = location;

    /// <summary>Where the value starts.</summary>
    public SourceLocation Location { get; }

    /// <summary>A short name of the node's TOML type for messages: string, integer, float, boolean, datetime, array, table.</summary>
    public abstract string TypeName { get; }
}

/// <summary>A scalar: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="DateTimeOffset"/>.</summary>
public sealed class ConfigValue : ConfigNode
{
    /// <summary>Creates a scalar node.</summary>
    public ConfigValue(object value, SourceLocation location) : base(location)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The value as TOML typed it.</summary>
    public object Value { get; }

    /// <inheritdoc />
    public override string TypeName => Value switch
    {
        string => "string",
        long => "integer",
        double => "float",
        bool => "boolean",
        _ => "datetime",
    };

    /// <summary>The value as TOML would write it (strings quoted), for messages.</summary>
    public override string ToString() => Value switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}

/// <summary>A TOML array.</summary>
public sealed class ConfigArray : ConfigNode
{
    /// <summary>Creates an array node.</summary>
    public ConfigArray(IReadOnlyList<ConfigNode> items, SourceLocation location) : base(location)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
    }

    /// <summary>The elements in file order.</summary>
    public IReadOnlyList<ConfigNode> Items { get; }

    /// <inheritdoc />
    public override string TypeName => "array";
}

/// <summary>One <c>key = value</c> of a table, with where the key was written.</summary>
/// <param name="Key">The bare key (one segment of a dotted path).</param>
/// <param name="KeyLocation">Where the key is written.</param>
/// <param name="Value">The value.</param>
public sealed record ConfigEntry(string Key, SourceLocation KeyLocation, ConfigNode Value);

/// <summary>A TOML table; entries keep file order.</summary>
public sealed class ConfigTable : ConfigNode
{
    private readonly Dictionary<string, ConfigEntry> _byKey;

    /// <summary>Creates a table node. Keys must be unique; the parser reports duplicates before building it.</summary>
    public ConfigTable(IReadOnlyList<ConfigEntry> entries, SourceLocation location) : base(location)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        _byKey = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!_byKey.TryAdd(entry.Key, entry))
                throw new ArgumentException($"Duplicate key '{entry.Key}' at {entry.KeyLocation}.", nameof(entries));
        }
    }

    /// <summary>An empty table with no location (a section the file leaves out).</summary>
    public static ConfigTable Empty(string file) => new([], new SourceLocation(file, 0, 0));

    /// <summary>The entries in file order.</summary>
    public IReadOnlyList<ConfigEntry> Entries { get; }

    /// <inheritdoc />
    public override string TypeName => "table";

    /// <summary>Looks a key up.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out ConfigEntry? entry) => _byKey.TryGetValue(key, out entry);

    /// <summary>The sub-table under <paramref name="key"/>, or <see langword="null"/> when absent or not a table.</summary>
    public ConfigTable? Table(string key) => _byKey.TryGetValue(key, out var e) ? e.Value as ConfigTable : null;
}
