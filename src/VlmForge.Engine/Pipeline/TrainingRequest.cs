using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>Everything a training run needs from its caller (the CLI, a test, a benchmark).</summary>
public sealed record TrainingRequest
{
    /// <summary>The validated workflow (ignored when resuming: the run folder's own config is used).</summary>
    public WorkflowSettings? Settings { get; init; }

    /// <summary>Where the settings came from, for the run's records (file name and SHA-256 of its bytes).</summary>
    public string ConfigSource { get; init; } = "";
    public string ConfigSha256 { get; init; } = "";

    /// <summary>An existing run folder to continue from its newest checkpoint.</summary>
    public string? ResumeFolder { get; init; }

    public required PluginCatalog Plugins { get; init; }
    public required TextWriter Log { get; init; }
    public required ITrainingProgress Progress { get; init; }
    public CancellationToken Cancellation { get; init; }

    /// <summary>Builds the validator for a run (default: validation loss and task metrics); returning null trains without validation.</summary>
    internal Func<RunContext, IValidator?> Validator { get; init; } = RunEvaluation.Validator;

    /// <summary>Evaluate the trained model on the whole validation selection at the end, into runs/&lt;name&gt;/eval.</summary>
    public bool EvaluateAtEnd { get; init; } = true;
}
