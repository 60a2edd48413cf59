using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>Collects the diagnostics of one schema file as plain records, with typed reads of schema tables.</summary>
internal sealed class ParseContext
{
    private readonly List<DiagnosticInfo> _diagnostics = new();

    public ParseContext(string filePath) => FilePath = filePath;

    public string FilePath { get; }

    public bool HasErrors { get; private set; }

    public EquatableArray<DiagnosticInfo> Diagnostics => _diagnostics.ToEquatableArray();

    public void Report(DiagnosticDescriptor descriptor, TextLocation location, params string[] arguments)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error) HasErrors = true;
        _diagnostics.Add(new DiagnosticInfo(descriptor.Id, FilePath, location.Offset, location.Length,
            location.StartLine, location.StartColumn, location.EndLine, location.EndColumn, arguments.ToEquatableArray()));
    }

    /// <summary>Reports every key of <paramref name="table"/> not in <paramref name="allowed"/>.</summary>
    public void CheckKeys(TomlTableNode table, params string[] allowed)
    {
        foreach (var entry in table.Entries)
        {
            if (allowed.Contains(entry.Key)) continue;
            var suggestion = Suggest(entry.Key, allowed);
            Report(SchemaDiagnostics.UnknownSchemaKey, entry.KeyLocation, entry.Key, string.Join(", ", allowed),
                suggestion is null ? "" : $" Did you mean '{suggestion}'?");
        }
    }

    /// <summary>A string value, or null when absent; wrong types are reported.</summary>
    public TomlScalar? String(TomlTableNode table, string key)
    {
        if (!table.TryGet(key, out var entry)) return null;
        if (entry.Value is TomlScalar { Value: string } scalar) return scalar;
        Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, key, "a string", entry.Value.Describe());
        return null;
    }

    /// <summary>A non-negative integer, or null when absent; wrong types are reported.</summary>
    public int? Count(TomlTableNode table, string key)
    {
        if (!table.TryGet(key, out var entry)) return null;
        if (entry.Value is TomlScalar { Value: long value } && value >= 0 && value <= int.MaxValue) return (int)value;
        Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, key, "a non-negative integer", entry.Value.Describe());
        return null;
    }

    /// <summary>An array of strings, or null when absent; wrong types are reported.</summary>
    public List<TomlScalar>? Strings(TomlTableNode table, string key)
    {
        if (!table.TryGet(key, out var entry)) return null;
        if (entry.Value is TomlList list && list.Items.All(i => i is TomlScalar { Value: string }))
            return list.Items.Cast<TomlScalar>().ToList();
        Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, key, "an array of strings", entry.Value.Describe());
        return null;
    }

    /// <summary>A table, or null when absent; wrong types are reported.</summary>
    public TomlTableNode? Table(TomlTableNode table, string key)
    {
        if (!table.TryGet(key, out var entry)) return null;
        if (entry.Value is TomlTableNode t) return t;
        Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, key, "a table", entry.Value.Describe());
        return null;
    }

    /// <summary>The closest of <paramref name="candidates"/> when it is a likely typo (the runtime's own algorithm, linked in).</summary>
    public static string? Suggest(string input, IEnumerable<string> candidates) =>
        VlmForge.Abstractions.Settings.DidYouMean.Suggest(input, candidates);
}
