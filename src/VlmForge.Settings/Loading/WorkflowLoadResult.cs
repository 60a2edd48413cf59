using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>What loading a workflow config gives: the settings (when there are no errors), every diagnostic, and the text that was read.</summary>
public sealed class WorkflowLoadResult
{
    internal WorkflowLoadResult(WorkflowSettings? settings, IReadOnlyList<SettingsDiagnostic> diagnostics, string fileName,
        string sourceText, string sha256, ConfigTable? root)
    {
        Settings = settings;
        Diagnostics = diagnostics;
        FileName = fileName;
        SourceText = sourceText;
        Sha256 = sha256;
        Root = root;
    }

    /// <summary>The validated settings, or <see langword="null"/> when there is any error.</summary>
    public WorkflowSettings? Settings { get; }

    /// <summary>Errors, warnings and advice, ordered by position in the file.</summary>
    public IReadOnlyList<SettingsDiagnostic> Diagnostics { get; }

    /// <summary>The file name used in locations.</summary>
    public string FileName { get; }

    /// <summary>The config text as read.</summary>
    public string SourceText { get; }

    /// <summary>Lower-case hex SHA-256 of the config's bytes (the same value the build embeds).</summary>
    public string Sha256 { get; }

    /// <summary>The parsed tree with every value's location (absent when the file could not be read).</summary>
    public ConfigTable? Root { get; }

    /// <summary>Settings the file leaves out that its model family filled in (the tiny family's CPU values), with why.</summary>
    public IReadOnlyList<FamilyDefault> FamilyDefaults { get; init; } = [];

    /// <summary>
    /// The line <c>check</c>, <c>plan</c> and <c>train</c> print about <see cref="FamilyDefaults"/>, or <see langword="null"/>
    /// when the family filled in nothing.
    /// </summary>
    public string? FamilyDefaultsNote => Loading.FamilyDefaults.Describe(FamilyDefaults);

    /// <summary>True when the config cannot be used.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The errors only.</summary>
    public IEnumerable<SettingsDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Warnings and advice only.</summary>
    public IEnumerable<SettingsDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>The settings, or an exception listing every error (for callers that cannot go on without them).</summary>
    /// <exception cref="WorkflowConfigException">The config has errors.</exception>
    public WorkflowSettings GetSettingsOrThrow() => Settings ?? throw new WorkflowConfigException(FileName, Errors.ToList());
}
