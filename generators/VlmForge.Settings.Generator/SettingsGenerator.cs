using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Emitting;
using VlmForge.Settings.Generator.Model;
using VlmForge.Settings.Generator.Parsing;

namespace VlmForge.Settings.Generator;

/// <summary>
/// Turns every <c>*.settings.toml</c> additional file into a validated option type. This file only wires the
/// pipeline: <see cref="SchemaParser"/> reads a schema into equatable records, <see cref="SectionEmitter"/> writes
/// C#, and schema mistakes travel as plain records to their own output.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SettingsGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (tests assert they are cached on a second run).</summary>
    public static class Steps
    {
        public const string RootNamespace = nameof(RootNamespace);
        public const string SchemaFiles = nameof(SchemaFiles);
        public const string ParsedSchemas = nameof(ParsedSchemas);
        public const string Sections = nameof(Sections);
        public const string Diagnostics = nameof(Diagnostics);
    }

    /// <summary>File names that mark a schema.</summary>
    public const string SchemaSuffix = ".settings.toml";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) ? ns : null)
            .WithTrackingName(Steps.RootNamespace);

        var schemaFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(SchemaSuffix, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, token) => new SchemaFile(file.Path, file.GetText(token)?.ToString() ?? ""))
            .WithTrackingName(Steps.SchemaFiles);

        var parsed = schemaFiles
            .Combine(rootNamespace)
            .Select(static (input, token) => SchemaParser.Parse(input.Left, input.Right, token))
            .WithTrackingName(Steps.ParsedSchemas);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, items) =>
        {
            foreach (var item in items) output.ReportDiagnostic(SchemaDiagnostics.ToDiagnostic(item));
        });

        var sections = parsed
            .Where(static result => result.Section is not null)
            .Select(static (result, _) => result.Section!)
            .WithTrackingName(Steps.Sections);
        context.RegisterSourceOutput(sections, static (output, section) =>
            output.AddSource(SectionEmitter.HintName(section), SourceText.From(SectionEmitter.Emit(section), System.Text.Encoding.UTF8)));
    }
}
