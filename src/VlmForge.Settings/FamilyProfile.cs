using VlmForge.Settings.Advice;

namespace VlmForge.Settings;

/// <summary>
/// What the settings layer knows of one model family, handed to it by the family itself (the engine's family registry,
/// through <see cref="Loading.IPluginNames.ModelFamilies"/>): which settings the family fills in when the file leaves
/// them out, which <c>model.size</c> chooses it, whether it loads a snapshot, and its own advice. The settings layer
/// names no family: a workflow's defaults and advice come from the profile of the family it names.
/// </summary>
public sealed record FamilyProfile
{
    /// <summary>A profile for the family called <paramref name="name"/>: a snapshot family with the schema's defaults.</summary>
    public FamilyProfile(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The <c>model.family</c> name, spelled as the family spells itself.</summary>
    public string Name { get; }

    /// <summary>
    /// Whether the family loads a local Hugging Face snapshot at <c>model.path</c> (true for real families): then
    /// advice warns when model.path is unset or missing.
    /// </summary>
    public bool LoadsSnapshot { get; init; } = true;

    /// <summary>What the family is, in a few words, for messages that suggest it ("VlmForge's own model, ...").</summary>
    public string? Summary { get; init; }

    /// <summary>
    /// A <c>model.size</c> value that only this family has: a file that writes it and leaves <c>model.family</c> out
    /// gets this family. Null when every size of the family is shared with others.
    /// </summary>
    public string? ChosenBySize { get; init; }

    /// <summary>
    /// The <c>model.size</c> values the family comes in; another is an error at load time. Null (the default) when the
    /// family takes every size (a snapshot family's size class picks a preset; its snapshot's own config wins).
    /// </summary>
    public IReadOnlyList<string>? Sizes { get; init; }

    /// <summary>
    /// Values for settings the file leaves out, by key path (<c>model.precision</c>), as TOML values (string, long,
    /// double, bool): the schema's defaults are for fine-tuning a pretrained model on a GPU, which a family that
    /// trains from scratch on a CPU replaces. Values the file writes always win.
    /// </summary>
    /// <exception cref="ArgumentException">A key path names no built-in setting, or a value is not a TOML scalar.</exception>
    public IReadOnlyList<FamilySetting> Defaults
    {
        get => _defaults;
        init => _defaults = Checked(value);
    }

    private readonly IReadOnlyList<FamilySetting> _defaults = [];

    /// <summary>The family's own advice rules, checked only for workflows of this family.</summary>
    public IReadOnlyList<IAdviceRule> Advice { get; init; } = [];

    /// <summary>
    /// Names of the general advice rules (<see cref="AdviceRules.All"/>) that do not apply to this family, for example
    /// <c>max-new-tokens</c> for a family whose tokenizer spends one token per coordinate.
    /// </summary>
    public IReadOnlySet<string> WaivedAdvice { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    // A family's wrong key would otherwise surface as an "unknown key" error at the user's family = "..." line.
    private IReadOnlyList<FamilySetting> Checked(IReadOnlyList<FamilySetting> defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        foreach (var (keyPath, value) in defaults)
        {
            if (!WorkflowSettings.Descriptors.Any(d => d.Path == keyPath))
                throw new ArgumentException($"The {Name} family's default {keyPath} names no built-in setting (see `vlmforge settings`).", nameof(Defaults));
            if (value is not (string or long or double or bool))
                throw new ArgumentException($"The {Name} family's default {keyPath} is a {value?.GetType().Name ?? "null"}; write a string, long, double or bool.", nameof(Defaults));
        }
        return [.. defaults];
    }
}

/// <summary>One setting a family fills in: its key path and its value as TOML writes it (string, long, double or bool).</summary>
/// <param name="KeyPath">The setting, for example <c>model.precision</c>.</param>
/// <param name="Value">The value.</param>
public sealed record FamilySetting(string KeyPath, object Value);
