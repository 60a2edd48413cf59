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
    public override string ToString() => TomlFormat.Node(this);
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

    /// <summary>
    /// Follows a dotted path (<c>training.learning_rate</c>) through nested tables to an entry.
    /// Segments are split at dots, so keys that contain a dot cannot be reached this way.
    /// </summary>
    public bool TryGetPath(string dottedPath, [NotNullWhen(true)] out ConfigEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(dottedPath);
        entry = null;
        ConfigTable? table = this;
        var segments = dottedPath.Split('.');
        for (int i = 0; i < segments.Length; i++)
        {
            if (table is null || !table.TryGet(segments[i], out entry)) return false;
            table = entry.Value as ConfigTable;
        }
        return entry is not null;
    }

    /// <summary>
    /// Where the text for <paramref name="dottedPath"/> is: the value when the file sets it, otherwise the nearest
    /// table on the path that the file writes, otherwise this table.
    /// </summary>
    public SourceLocation LocationOf(string dottedPath)
    {
        ArgumentNullException.ThrowIfNull(dottedPath);
        ConfigTable table = this;
        var location = Location;
        foreach (var segment in dottedPath.Split('.'))
        {
            if (!table.TryGet(segment, out var entry)) break;
            location = entry.Value.Location;
            if (entry.Value is not ConfigTable next) break;
            table = next;
        }
        return location;
    }
}
