using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// A model family, as <c>model.family</c> names it: the built-in tiny model (<see cref="Tiny.TinyFamily"/>) or a real
/// family that loads a local Hugging Face snapshot (<see cref="ISnapshotFamily"/>, the kind a family from outside the
/// engine implements). Every family is registered in <see cref="ModelFamilyRegistry"/>; the planner and the run ask the
/// registered family instead of switching on its name (the run through <see cref="OpenRun"/>).
/// </summary>
public interface IModelFamily
{
    /// <summary>The <c>model.family</c> name (and the family every parsed config reports).</summary>
    string Name { get; }

    /// <summary>
    /// What the settings layer knows of the family while a workflow loads: the settings it fills in when the file leaves
    /// them out, the <c>model.size</c> that chooses it, whether it loads a snapshot, and its advice. By default a snapshot
    /// family with the schema's defaults (the page's values for fine-tuning a pretrained model).
    /// </summary>
    FamilyProfile Profile => new(Name);

    /// <summary>The run's checked snapshot at <c>model.path</c>; null for a family without one (the tiny model).</summary>
    /// <exception cref="WorkflowException">model.path is missing or does not fit model.family.</exception>
    FamilySnapshot? OpenSnapshot(WorkflowSettings settings);

    /// <summary>The planner's view of the workflow's model: its shape, image sizing and token counting.</summary>
    /// <exception cref="Planning.PlanningException">The model cannot be planned; the message names the setting.</exception>
    internal PlannedModel Plan(PlanRequest request);

    /// <summary>What a run of the workflow needs from the family: its conventions, tokenizer, model and export.</summary>
    /// <exception cref="WorkflowException">model.path is missing or does not fit model.family.</exception>
    internal FamilyRun OpenRun(WorkflowSettings settings);
}
