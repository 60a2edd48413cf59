namespace VlmForge.Settings.Generator.Model;

/// <summary>What parsing one schema file gives: the model (null when the schema has errors) and its diagnostics.</summary>
internal sealed record SchemaParseResult(SectionModel? Section, EquatableArray<DiagnosticInfo> Diagnostics);
