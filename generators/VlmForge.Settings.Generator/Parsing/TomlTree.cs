using System.Collections.Generic;
using Tomlyn.Syntax;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>Where a piece of schema text is (zero-based lines and columns, as Roslyn wants them).</summary>
internal readonly struct TextLocation
{
    public TextLocation(int offset, int length, int startLine, int startColumn, int endLine, int endColumn)
    {
        Offset = offset;
        Length = length;
        StartLine = startLine;
        StartColumn = startColumn;
        EndLine = endLine;
        EndColumn = endColumn;
    }

    public int Offset { get; }
    public int Length { get; }
    public int StartLine { get; }
    public int StartColumn { get; }
    public int EndLine { get; }
    public int EndColumn { get; }

    public static TextLocation Of(SyntaxNodeBase node) => Of(node.Span);

    public static TextLocation Of(SourceSpan span) =>
        new(span.Offset, span.Length, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column + 1);
}

/// <summary>A schema value with its location (the schema's own small tree; the runtime uses ConfigTable).</summary>
internal abstract class TomlNode
{
    protected TomlNode(TextLocation location) => Location = location;

    public TextLocation Location { get; }

    public abstract string Describe();
}

internal sealed class TomlScalar : TomlNode
{
    public TomlScalar(object value, string text, TextLocation location) : base(location)
    {
        Value = value;
        Text = text;
    }

    /// <summary>string, long, double, bool, or the raw text of a datetime.</summary>
    public object Value { get; }

    /// <summary>The value as written in the schema (for floats: keeps <c>1e-4</c> as <c>1e-4</c>).</summary>
    public string Text { get; }

    public override string Describe() => Value switch
    {
        string => $"string {Text}",
        long => $"integer {Text}",
        double => $"float {Text}",
        bool => $"boolean {Text}",
        _ => $"datetime {Text}",
    };
}

internal sealed class TomlList : TomlNode
{
    public TomlList(List<TomlNode> items, TextLocation location) : base(location) => Items = items;

    public List<TomlNode> Items { get; }

    public override string Describe() => "an array";
}

internal sealed class TomlEntry
{
    public TomlEntry(string key, TextLocation keyLocation, TomlNode value)
    {
        Key = key;
        KeyLocation = keyLocation;
        Value = value;
    }

    public string Key { get; }
    public TextLocation KeyLocation { get; }
    public TomlNode Value { get; set; }
}

internal sealed class TomlTableNode : TomlNode
{
    private readonly Dictionary<string, TomlEntry> _byKey = new();

    public TomlTableNode(TextLocation location) : base(location)
    {
    }

    public List<TomlEntry> Entries { get; } = new();

    public override string Describe() => "a table";

    public bool TryGet(string key, out TomlEntry entry) => _byKey.TryGetValue(key, out entry!);

    public TomlEntry Add(string key, TextLocation keyLocation, TomlNode value)
    {
        var entry = new TomlEntry(key, keyLocation, value);
        Entries.Add(entry);
        _byKey[key] = entry;
        return entry;
    }
}
