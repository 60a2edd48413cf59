using System.Collections.Generic;
using System.Linq;
using Tomlyn.Syntax;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>
/// Turns Tomlyn's syntax tree of a schema into a <see cref="TomlTableNode"/> tree that keeps the location of every
/// key and value. Tomlyn has already validated the document (duplicates, redefinitions), so merging is simple.
/// </summary>
internal static class TomlTreeBuilder
{
    public static TomlTableNode Build(DocumentSyntax document)
    {
        var root = new TomlTableNode(default);
        foreach (var keyValue in document.KeyValues)
            AddKeyValue(root, keyValue);

        foreach (var table in document.Tables)
        {
            if (table.Name is null) continue;
            var (segments, locations) = KeyPath(table.Name);
            TomlTableNode target;
            if (table is TableArraySyntax)
            {
                var parent = Descend(root, segments.Take(segments.Count - 1), locations, TextLocation.Of(table));
                var name = segments[segments.Count - 1];
                if (!parent.TryGet(name, out var entry))
                    entry = parent.Add(name, locations[locations.Count - 1], new TomlList(new List<TomlNode>(), TextLocation.Of(table)));
                target = new TomlTableNode(TextLocation.Of(table.Name));
                ((TomlList)entry.Value).Items.Add(target);
            }
            else
            {
                target = Descend(root, segments, locations, TextLocation.Of(table.Name));
            }
            foreach (var keyValue in table.Items)
                AddKeyValue(target, keyValue);
        }
        return root;
    }

    private static void AddKeyValue(TomlTableNode table, KeyValueSyntax keyValue)
    {
        if (keyValue.Key is null || keyValue.Value is null) return;
        var (segments, locations) = KeyPath(keyValue.Key);
        var parent = Descend(table, segments.Take(segments.Count - 1), locations, TextLocation.Of(keyValue.Key));
        parent.Add(segments[segments.Count - 1], locations[locations.Count - 1], Convert(keyValue.Value));
    }

    private static TomlTableNode Descend(TomlTableNode table, IEnumerable<string> segments, List<TextLocation> locations, TextLocation tableLocation)
    {
        int i = 0;
        foreach (var segment in segments)
        {
            if (!table.TryGet(segment, out var entry))
                entry = table.Add(segment, locations[i], new TomlTableNode(tableLocation));
            table = entry.Value switch
            {
                TomlTableNode t => t,
                TomlList { Items.Count: > 0 } list when list.Items[list.Items.Count - 1] is TomlTableNode last => last,
                _ => table,
            };
            i++;
        }
        return table;
    }

    private static (List<string> Segments, List<TextLocation> Locations) KeyPath(KeySyntax key)
    {
        var segments = new List<string>();
        var locations = new List<TextLocation>();
        if (key.Key is { } first)
        {
            segments.Add(KeyText(first));
            locations.Add(TextLocation.Of(first));
        }
        foreach (var dotted in key.DotKeys)
        {
            if (dotted.Key is null) continue;
            segments.Add(KeyText(dotted.Key));
            locations.Add(TextLocation.Of(dotted.Key));
        }
        return (segments, locations);
    }

    private static string KeyText(BareKeyOrStringValueSyntax key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax quoted => quoted.Value ?? "",
        _ => key.ToString().Trim(),
    };

    private static TomlNode Convert(ValueSyntax value)
    {
        var location = TextLocation.Of(value);
        switch (value)
        {
            case StringValueSyntax s:
                return new TomlScalar(s.Value ?? "", s.Token?.Text ?? "\"\"", location);
            case IntegerValueSyntax i:
                return new TomlScalar(i.Value, i.Token?.Text ?? i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), location);
            case FloatValueSyntax f:
                return new TomlScalar(f.Value, f.Token?.Text ?? "", location);
            case BooleanValueSyntax b:
                return new TomlScalar(b.Value, b.Value ? "true" : "false", location);
            case ArraySyntax a:
                return new TomlList(a.Items.Where(item => item.Value is not null).Select(item => Convert(item.Value!)).ToList(), location);
            case InlineTableSyntax t:
                var table = new TomlTableNode(location);
                foreach (var item in t.Items)
                {
                    if (item.KeyValue is not null) AddKeyValue(table, item.KeyValue);
                }
                return table;
            default:
                return new TomlScalar(new DateTimeText(), value.ToString().Trim(), location);
        }
    }
}

/// <summary>Marks a datetime value; schemas have no datetime settings, so only its text is kept for messages.</summary>
internal sealed class DateTimeText
{
}
