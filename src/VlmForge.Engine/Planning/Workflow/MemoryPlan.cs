using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Engine.Planning.Time;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>The plan of a workflow: the estimate, how it fits the GPU, what to change, and what was assumed.</summary>
internal sealed record MemoryPlan
{
    /// <summary>The config file planned.</summary>
    public required string ConfigName { get; init; }

    /// <summary>The model: its name and where its architecture came from.</summary>
    public required string ModelName { get; init; }

    /// <summary>Where the architecture came from (a snapshot's config.json, an embedded preset, the tiny config).</summary>
    public required string ModelSource { get; init; }

    /// <summary>The memory estimate (its <see cref="MemoryEstimate.Input"/> holds every input).</summary>
    public required MemoryEstimate Estimate { get; init; }

    /// <summary>The rough time estimate.</summary>
    public required TimeEstimate Time { get; init; }

    /// <summary>The GPU, when one was given.</summary>
    public GpuBudget? Gpu { get; init; }

    /// <summary>How the estimate fits the GPU.</summary>
    public GpuFit? Fit { get; init; }

    /// <summary>The page's remedies in order, each on top of the previous (empty when it fits comfortably).</summary>
    public IReadOnlyList<Remedy> Remedies { get; init; } = [];

    /// <summary>When it fits: the largest batch size that stays within the page's 80% (0 when none does).</summary>
    public int? LargestComfortableBatch { get; init; }

    /// <summary>Where the token counts came from.</summary>
    public required string TokenSource { get; init; }

    /// <summary>What the plan assumed where the workflow did not say.</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }

    /// <summary>The input planned.</summary>
    public PlanInput Input => Estimate.Input;
}
