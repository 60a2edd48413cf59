using VlmForge.Abstractions.Quantization;
using VlmForge.Engine.Planning.Output;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>
/// A workflow's plan as <c>vlmforge plan</c> prints it: the model, its memory by category, the time estimate and what to
/// change when it does not fit, as text or JSON. The planner's own types (<see cref="MemoryPlan"/> and the memory,
/// time and remedy records it holds) stay inside the engine; this is what a host shows.
/// </summary>
public sealed class WorkflowPlan
{
    private readonly MemoryPlan _plan;

    private WorkflowPlan(MemoryPlan plan) => _plan = plan;

    /// <summary>Plans <paramref name="settings"/>; <paramref name="configName"/> is the file named in the plan.</summary>
    /// <param name="settings">The loaded workflow.</param>
    /// <param name="quantizers">The installed quantizer plugins by name (each says its storage bytes per weight).</param>
    /// <param name="options">The GPU to fit and the throughput to time against.</param>
    /// <param name="configName">The config file, as the plan names it.</param>
    /// <exception cref="PlanningException">The workflow cannot be planned; the message names the setting.</exception>
    public static WorkflowPlan Create(WorkflowSettings settings, Func<string, IQuantizerPlugin> quantizers, PlanOptions options, string configName) =>
        new(WorkflowPlanner.Plan(settings, quantizers, options, configName));

    /// <summary>The plan as <c>vlmforge plan</c> prints it.</summary>
    public string ToText() => PlanTextRenderer.Render(_plan);

    /// <summary>The plan as <c>vlmforge plan --format json</c> writes it (one JSON object).</summary>
    public string ToJson() => PlanJsonWriter.Write(_plan);
}
