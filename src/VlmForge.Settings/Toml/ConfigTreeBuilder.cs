using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Toml;

/// <summary>
/// Parses TOML text into a <see cref="ConfigTable"/> tree that keeps the line and column of every key and value,
/// reporting syntax errors and duplicate keys or tables (with where the first one is) instead of stopping at the
/// first problem. Tomlyn gives the lossless syntax tree; the TOML table rules (headers, dotted keys, inline tables,
/// arrays of tables) are applied here so the messages can name both places.
/// </summary>
internal static class ConfigTreeBuilder
{
    /// <summary>Deepest nesting of tables, arrays and inline tables (Tomlyn's own limit for values).</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest key (one part of a dotted key); every real setting's name is far shorter.</summary>
    public const int MaxKeyLength = 256;

    public static ConfigTable Parse(string text, string fileName, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(diagnostics);

        // validate: false - the checks Tomlyn's validator makes (duplicates, redefinitions) are made below,
        // with messages that point at both definitions.
        DocumentSyntax document;
        try
        {
            // Tomlyn's parser gets more room than we allow, so nesting past MaxDepth is reported below at its place.
            document = SyntaxParser.Parse(text, ParserOptions, fileName, validate: false);
        }
        catch (TomlException e)
        {
            // Tomlyn stops (instead of recording a diagnostic) past its depth limit, without a position: find it.
            var location = e.Line is int line ? new SourceLocation(fileName, line, e.Column ?? 1) : DeepestNesting(text, fileName);
            var why = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"arrays and inline tables nest more than {ParserOptions.MaxDepth} deep here; at most {MaxDepth} are allowed. Flatten the value."
                : $"{e.Message.TrimEnd('.')}. The file is not valid TOML here.";
            diagnostics.Error(ConfigErrorCodes.SyntaxError, location, "(syntax)", why);
            return new ConfigTable([], new SourceLocation(fileName, 0, 0));
        }
        foreach (var message in document.Diagnostics)
        {
            if (message.Kind != DiagnosticMessageKind.Error) continue;
            // Tomlyn quotes the offending token whole: a runaway string can make that thousands of characters.
            var shown = message.Message.Length <= 300 ? message.Message : $"{message.Message[..240]}... ({message.Message.Length:N0} characters)";
            diagnostics.Error(ConfigErrorCodes.SyntaxError, At(fileName, message.Span.Start), "(syntax)",
                $"{shown}. The file is not valid TOML here.");
        }

        var builder = new Builder(fileName, diagnostics);
        var root = new MutableTable(new SourceLocation(fileName, 0, 0), TableOrigin.Header, 0);
        foreach (var keyValue in document.KeyValues)
            builder.AddKeyValue(root, keyValue, "");
        foreach (var table in document.Tables)
            builder.AddTable(root, table);
        return root.Freeze();
    }

    private static readonly TomlSerializerOptions ParserOptions = new() { MaxDepth = 4 * MaxDepth };

    /// <summary>Where brackets and braces (outside strings and comments) first open deeper than the parser allows.</summary>
    private static SourceLocation DeepestNesting(string text, string fileName)
    {
        int depth = 0, line = 1, column = 0;
        char quote = '\0';
        bool comment = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            column++;
            if (c == '\n')
            {
                line++;
                column = 0;
                comment = false;
                continue;
            }
            if (comment) continue;
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') { i++; column++; }
                else if (c == quote) quote = '\0';
                continue;
            }
            switch (c)
            {
                case '#': comment = true; break;
                case '"' or '\'': quote = c; break;
                case '[' or '{':
                    if (++depth > ParserOptions.MaxDepth) return new SourceLocation(fileName, line, column);
                    break;
                case ']' or '}': depth = Math.Max(0, depth - 1); break;
            }
        }
        return new SourceLocation(fileName, 1, 1);
    }

    internal static SourceLocation At(string file, TextPosition position) => new(file, position.Line + 1, position.Column + 1);

    private enum TableOrigin
    {
        Implicit,   // created as the parent of a [a.b] header or a dotted key; may still get its own header
        Header,     // [table]
        Dotted,     // a.b = 1 created it; cannot get a header later
        Inline,     // { ... }; closed
    }

    private sealed class MutableTable
    {
        public MutableTable(SourceLocation location, TableOrigin origin, int depth)
        {
            Location = location;
            Origin = origin;
            Depth = depth;
        }

        /// <summary>Tables above this one (the root is 0); bounded by <see cref="MaxDepth"/> so freezing cannot overflow the stack.</summary>
        public int Depth { get; }

        public SourceLocation Location { get; set; }
        public TableOrigin Origin { get; set; }
        public List<(string Key, SourceLocation KeyLocation, object Value)> Entries { get; } = [];

        public bool TryGet(string key, out (string Key, SourceLocation KeyLocation, object Value) entry)
        {
            foreach (var e in Entries)
            {
                if (e.Key == key)
                {
                    entry = e;
                    return true;
                }
            }
            entry = default;
            return false;
        }

        public ConfigTable Freeze() => new(Entries.Select(e => new ConfigEntry(e.Key, e.KeyLocation, FreezeNode(e.Value))).ToList(), Location);

        private static ConfigNode FreezeNode(object value) => value switch
        {
            MutableTable t => t.Freeze(),
            TableArray a => new ConfigArray(a.Tables.Select(t => (ConfigNode)t.Freeze()).ToList(), a.Location),
            ConfigNode n => n,
            _ => throw new InvalidOperationException($"Unexpected node {value.GetType().Name}."),
        };
    }

    private sealed class TableArray(SourceLocation location)
    {
        public SourceLocation Location { get; } = location;
        public List<MutableTable> Tables { get; } = [];
    }

    private sealed class Builder(string file, DiagnosticBag diagnostics)
    {
        public void AddTable(MutableTable root, TableSyntaxBase table)
        {
            if (table.Name is null) return;
            var segments = KeyPath(table.Name);
            if (segments is null || segments.Count == 0) return;
            var location = At(file, table.Span.Start);
            var path = string.Join('.', segments.Select(s => s.Name));

            var parent = Descend(root, segments.Take(segments.Count - 1).ToList(), "", forDottedKey: false);
            if (parent is null) return;
            var (name, keyLocation) = segments[^1];

            MutableTable target;
            if (table is TableArraySyntax)
            {
                if (!parent.TryGet(name, out var existing))
                {
                    var array = new TableArray(location);
                    parent.Entries.Add((name, keyLocation, array));
                    existing = (name, keyLocation, array);
                }
                if (existing.Value is not TableArray tables)
                {
                    Duplicate(path, keyLocation, existing.KeyLocation, "an array of tables [[...]]");
                    return;
                }
                if (!WithinDepth(parent.Depth + 1, keyLocation, path)) return;
                target = new MutableTable(location, TableOrigin.Header, parent.Depth + 1);
                tables.Tables.Add(target);
            }
            else if (parent.TryGet(name, out var existing))
            {
                if (existing.Value is MutableTable { Origin: TableOrigin.Implicit } implicitTable)
                {
                    implicitTable.Origin = TableOrigin.Header;
                    implicitTable.Location = location;
                    target = implicitTable;
                }
                else
                {
                    var what = existing.Value is MutableTable { Origin: TableOrigin.Header } ? "a second [" + path + "] table" : "a table";
                    Duplicate(path, keyLocation, existing.KeyLocation, what);
                    return;
                }
            }
            else
            {
                if (!WithinDepth(parent.Depth + 1, keyLocation, path)) return;
                target = new MutableTable(location, TableOrigin.Header, parent.Depth + 1);
                parent.Entries.Add((name, keyLocation, target));
            }

            foreach (var keyValue in table.Items)
                AddKeyValue(target, keyValue, path + ".");
        }

        public void AddKeyValue(MutableTable table, KeyValueSyntax keyValue, string prefix)
        {
            if (keyValue.Key is null || keyValue.Value is null) return;   // a syntax error, already reported
            var segments = KeyPath(keyValue.Key);
            if (segments is null || segments.Count == 0) return;
            var parent = Descend(table, segments.Take(segments.Count - 1).ToList(), prefix, forDottedKey: true);
            if (parent is null) return;
            var (name, keyLocation) = segments[^1];
            var path = prefix + string.Join('.', segments.Select(s => s.Name));
            if (parent.TryGet(name, out var existing))
            {
                Duplicate(path, keyLocation, existing.KeyLocation, "a second value");
                return;
            }
            int depthErrors = _depthErrors;
            var value = Convert(keyValue.Value, path, parent.Depth + 1);
            // A value cut off where it nests too deep is dropped whole, so nothing else reports its remains.
            if (value is not null && _depthErrors == depthErrors) parent.Entries.Add((name, keyLocation, value));
        }

        /// <summary>Walks to (creating) the table at <paramref name="segments"/>; null after reporting a conflict.</summary>
        private MutableTable? Descend(MutableTable table, List<(string Name, SourceLocation Location)> segments, string prefix, bool forDottedKey)
        {
            var path = prefix.TrimEnd('.');
            foreach (var (name, location) in segments)
            {
                path = path.Length == 0 ? name : path + "." + name;
                if (!table.TryGet(name, out var existing))
                {
                    if (!WithinDepth(table.Depth + 1, location, path)) return null;
                    var created = new MutableTable(location, forDottedKey ? TableOrigin.Dotted : TableOrigin.Implicit, table.Depth + 1);
                    table.Entries.Add((name, location, created));
                    table = created;
                    continue;
                }
                switch (existing.Value)
                {
                    case MutableTable { Origin: TableOrigin.Inline }:
                        Duplicate(path, location, existing.KeyLocation, "a key inside an inline table, which is closed once written");
                        return null;
                    case MutableTable next:
                        table = next;
                        break;
                    case TableArray { Tables.Count: > 0 } array when !forDottedKey:
                        table = array.Tables[^1];
                        break;
                    default:
                        Duplicate(path, location, existing.KeyLocation, "a table");
                        return null;
                }
            }
            return table;
        }

        /// <summary>A value as a node; <c>depth</c> counts the tables and arrays above it, itself included.</summary>
        private object? Convert(ValueSyntax value, string path, int depth)
        {
            var location = At(file, value.Span.Start);
            if (value is ArraySyntax or InlineTableSyntax && !WithinDepth(depth, location, path)) return null;
            switch (value)
            {
                case StringValueSyntax s: return new ConfigValue(s.Value ?? "", location);
                case IntegerValueSyntax i: return new ConfigValue(i.Value, location);
                case FloatValueSyntax f: return new ConfigValue(f.Value, location);
                case BooleanValueSyntax b: return new ConfigValue(b.Value, location);
                case DateTimeValueSyntax d: return new ConfigValue(d.Value.DateTime, location);
                case ArraySyntax a:
                    var items = new List<ConfigNode>();
                    int index = 0;
                    foreach (var item in a.Items)
                    {
                        if (item.Value is null) continue;
                        if (Convert(item.Value, $"{path}[{index}]", depth + 1) is { } node)
                            items.Add(node is MutableTable t ? t.Freeze() : (ConfigNode)node);
                        index++;
                    }
                    return new ConfigArray(items, location);
                case InlineTableSyntax t:
                    var inline = new MutableTable(location, TableOrigin.Header, depth);
                    foreach (var item in t.Items)
                    {
                        if (item.KeyValue is not null) AddKeyValue(inline, item.KeyValue, path + ".");
                    }
                    inline.Origin = TableOrigin.Inline;
                    return inline;
                default:
                    return null;
            }
        }

        private void Duplicate(string path, SourceLocation second, SourceLocation first, string what) =>
            diagnostics.Error(ConfigErrorCodes.DuplicateKey, second, path,
                $"'{path}' is already defined at {first}; TOML does not allow {what} here. Remove one of the two.");

        private int _depthErrors;

        private bool WithinDepth(int depth, SourceLocation location, string path)
        {
            if (depth <= MaxDepth) return true;
            _depthErrors++;
            diagnostics.Error(ConfigErrorCodes.SyntaxError, location, Shorten(path),
                $"tables, arrays and inline tables nest more than {MaxDepth} deep here; no setting is that deep. Flatten the value.");
            return false;
        }

        /// <summary>The parts of a dotted key; null (after reporting it) when a part is too long or there are too many parts.</summary>
        private List<(string Name, SourceLocation Location)>? KeyPath(KeySyntax key)
        {
            var segments = new List<(string, SourceLocation)>();
            if (key.Key is { } first) segments.Add((KeyText(first), At(file, first.Span.Start)));
            foreach (var dotted in key.DotKeys)
            {
                if (dotted.Key is { } part) segments.Add((KeyText(part), At(file, part.Span.Start)));
            }
            if (segments.Count > MaxDepth)
            {
                diagnostics.Error(ConfigErrorCodes.SyntaxError, segments[0].Item2, Shorten(string.Join('.', segments.Take(3).Select(p => p.Item1)) + "..."),
                    $"this key has {segments.Count} dotted parts; keys and table headers may have at most {MaxDepth}.");
                return null;
            }
            foreach (var (name, location) in segments)
            {
                if (name.Length <= MaxKeyLength) continue;
                diagnostics.Error(ConfigErrorCodes.SyntaxError, location, Shorten(name),
                    $"this key is {name.Length:N0} characters long; keys may be at most {MaxKeyLength}. No setting has such a name.");
                return null;
            }
            return segments;
        }

        /// <summary>A key path short enough to print: long ones keep their start and say how long they were.</summary>
        private static string Shorten(string path) => path.Length <= 80 ? path : $"{path[..60]}... ({path.Length:N0} characters)";

        private static string KeyText(BareKeyOrStringValueSyntax key) => key switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? "",
            StringValueSyntax quoted => quoted.Value ?? "",
            _ => key.ToString().Trim(),
        };
    }
}
