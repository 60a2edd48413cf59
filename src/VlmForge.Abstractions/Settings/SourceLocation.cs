namespace VlmForge.Abstractions.Settings;

/// <summary>A position in a config file; line and column are 1-based, as editors show them.</summary>
/// <param name="File">Path of the file as the user named it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>A location for values that come from no file (defaults, command-line overrides).</summary>
    public static SourceLocation None { get; } = new("<default>", 0, 0);

    /// <summary><c>file:line:col</c>, the form compilers and editors understand.</summary>
    public override string ToString() => Line == 0 ? File : $"{File}:{Line}:{Column}";
}
