using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>What an advice rule looks at: the validated settings and the parsed file, for locations.</summary>
public sealed class AdviceContext
{
    private readonly Lazy<DatasetSize?> _datasetSize;

    /// <summary>Creates a context for <paramref name="settings"/> read from <paramref name="root"/>.</summary>
    public AdviceContext(WorkflowSettings settings, ConfigTable root)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(root);
        Settings = settings;
        Root = root;
        _datasetSize = new Lazy<DatasetSize?>(() => DatasetSize.Measure(settings));
    }

    /// <summary>The validated workflow.</summary>
    public WorkflowSettings Settings { get; }

    /// <summary>The parsed file.</summary>
    public ConfigTable Root { get; }

    /// <summary>The registered families' profiles; empty when the workflow was loaded without the engine's catalog.</summary>
    public IReadOnlyCollection<FamilyProfile> Families { get; init; } = [];

    /// <summary>The profile of the workflow's family (<c>model.family</c>), or null when no registered family has that name.</summary>
    public FamilyProfile? Family => Families.FirstOrDefault(f => f.Name == Settings.Model.Family);

    /// <summary>How many training images the workflow has, when that can be known before training.</summary>
    public DatasetSize? DatasetSize => _datasetSize.Value;

    /// <summary>Where <paramref name="keyPath"/> is written, or its section, or the file.</summary>
    public SourceLocation LocationOf(string keyPath) => Root.LocationOf(keyPath);

    /// <summary>Adds a warning of <paramref name="rule"/> at <paramref name="keyPath"/>.</summary>
    public void Warn(DiagnosticBag diagnostics, IAdviceRule rule, string keyPath, string message)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(rule);
        diagnostics.Advice(rule.Code, rule.Name, LocationOf(keyPath), keyPath, message);
    }
}
