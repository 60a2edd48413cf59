namespace VlmForge.Abstractions.Settings;

/// <summary>How serious a settings diagnostic is. Advice is always a warning, never an error.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The config cannot be used as written.</summary>
    Error,

    /// <summary>The config works, but the platform's guidance suggests something else.</summary>
    Warning,
}

/// <summary>One problem or piece of advice about a config, located in the file.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Code">Stable id: <c>VLMF####</c> for problems (see <see cref="ConfigErrorCodes"/>), <c>VLMA####</c> for advice.</param>
/// <param name="Location">Where the offending text is.</param>
/// <param name="KeyPath">Dotted key path, for example <c>training.learning_rate</c>.</param>
/// <param name="Message">What was found, what is allowed and what to do.</param>
/// <param name="Rule">For advice: the name of the rule that fired.</param>
public sealed record SettingsDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    SourceLocation Location,
    string KeyPath,
    string Message,
    string? Rule = null)
{
    /// <summary><c>file:line:col: error VLMF0001: training.epochs: message</c>, the form MSBuild and editors parse.</summary>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var rule = Rule is null ? "" : $" [{Rule}]";
        return $"{Location}: {severity} {Code}: {KeyPath}: {Message}{rule}";
    }

    /// <summary>
    /// <c>file(line,col): error VLMF0105: training.epochs: message</c>, the canonical form MSBuild turns into a
    /// build error or warning located in the file.
    /// </summary>
    public string ToMSBuildString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var rule = Rule is null ? "" : $" [{Rule}]";
        var where = Location.Line == 0 ? Location.File : $"{Location.File}({Location.Line},{Location.Column})";
        return $"{where}: {severity} {Code}: {KeyPath}: {Message}{rule}";
    }
}

/// <summary>Collects diagnostics so a loader can report every problem at once.</summary>
public sealed class DiagnosticBag : IReadOnlyList<SettingsDiagnostic>
{
    private readonly List<SettingsDiagnostic> _items = [];

    /// <summary>True once any error has been added.</summary>
    /// <remarks>Counts errors only: advice and other warnings never make a config unusable.</remarks>
    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public SettingsDiagnostic this[int index] => _items[index];

    /// <summary>The number of errors.</summary>
    public int ErrorCount => _items.Count(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Adds a warning that is not advice (for example a plugin that may not be installed).</summary>
    public void Warning(string code, SourceLocation location, string keyPath, string message) =>
        Add(new SettingsDiagnostic(DiagnosticSeverity.Warning, code, location, keyPath, message));

    /// <summary>Adds one diagnostic.</summary>
    public void Add(SettingsDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        _items.Add(diagnostic);
    }

    /// <summary>Adds an error.</summary>
    public void Error(string code, SourceLocation location, string keyPath, string message) =>
        Add(new SettingsDiagnostic(DiagnosticSeverity.Error, code, location, keyPath, message));

    /// <summary>Adds advice under a named rule.</summary>
    public void Advice(string code, string rule, SourceLocation location, string keyPath, string message) =>
        Add(new SettingsDiagnostic(DiagnosticSeverity.Warning, code, location, keyPath, message, rule));

    /// <inheritdoc />
    public IEnumerator<SettingsDiagnostic> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
