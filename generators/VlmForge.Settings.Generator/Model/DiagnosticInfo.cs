namespace VlmForge.Settings.Generator.Model;

/// <summary>
/// A schema problem as plain data (no Location, which holds a syntax tree reference and breaks caching):
/// the descriptor id, where in the schema file, and the message arguments.
/// </summary>
internal sealed record DiagnosticInfo(
    string Id,
    string FilePath,
    int Offset,
    int Length,
    int StartLine,
    int StartColumn,
    int EndLine,
    int EndColumn,
    EquatableArray<string> Arguments);
