using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings;

/// <summary>
/// A whole workflow as vlmforge.toml describes it, validated: one generated option record per section, plus the
/// raw <c>[plugins.&lt;name&gt;]</c> tables that each named plugin validates itself.
/// </summary>
/// <param name="Model">[model]: architecture, training mode, quantization, precision.</param>
/// <param name="Training">[training]: hyperparameters.</param>
/// <param name="Evaluation">[evaluation]: generation settings.</param>
/// <param name="Dataset">[dataset]: data location and reading.</param>
/// <param name="Prompt">[prompt]: system prompt and instructions.</param>
/// <param name="Run">[run]: run folder and device.</param>
public sealed record WorkflowSettings(
    ModelOptions Model,
    TrainingOptions Training,
    EvaluationOptions Evaluation,
    DatasetOptions Dataset,
    PromptOptions Prompt,
    RunOptions Run)
{
    /// <summary>The sections this record holds, in file order; <c>plugins</c> is the table of plugin tables.</summary>
    public static IReadOnlyList<string> SectionNames { get; } =
        [ModelOptions.SectionPath, TrainingOptions.SectionPath, EvaluationOptions.SectionPath, DatasetOptions.SectionPath,
         PromptOptions.SectionPath, RunOptions.SectionPath, PluginsSection];

    /// <summary>The table whose sub-tables configure plugins, <c>[plugins.&lt;name&gt;]</c>.</summary>
    public const string PluginsSection = "plugins";

    /// <summary>Every setting at its default, relative paths resolved against the current directory.</summary>
    public static WorkflowSettings Default { get; } = new(
        ModelOptions.Default, TrainingOptions.Default, EvaluationOptions.Default,
        DatasetOptions.Default, PromptOptions.Default, RunOptions.Default);

    /// <summary>Descriptors of every built-in setting, section by section in file order.</summary>
    public static IReadOnlyList<SettingDescriptor> Descriptors { get; } =
        [.. ModelOptions.Descriptors, .. TrainingOptions.Descriptors, .. EvaluationOptions.Descriptors,
         .. DatasetOptions.Descriptors, .. PromptOptions.Descriptors, .. RunOptions.Descriptors];

    /// <summary>The <c>[plugins.&lt;name&gt;]</c> tables as written, by plugin name, for the plugins to bind.</summary>
    public IReadOnlyDictionary<string, ConfigTable> Plugins { get; init; } = new Dictionary<string, ConfigTable>();

    /// <summary>Folder that relative paths in the config are relative to (the config file's folder).</summary>
    public string BaseDirectory { get; init; } = "";

    /// <summary>A path from the config made absolute against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var baseDirectory = BaseDirectory.Length > 0 ? BaseDirectory : Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(baseDirectory, path));
    }

    /// <summary>The <c>[plugins.&lt;name&gt;]</c> table of plugin <paramref name="name"/>, or <see langword="null"/> when the file has none.</summary>
    public ConfigTable? PluginSection(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Plugins.TryGetValue(name, out var table) ? table : null;
    }

    /// <summary>The plugin selections of this workflow: key path, kind and the selected name.</summary>
    public IReadOnlyList<PluginSelection> PluginSelections =>
    [
        new(Abstractions.Plugins.PluginKind.Quantizer, "model.quantization", Model.Quantization),
        new(Abstractions.Plugins.PluginKind.Precision, "model.precision", Model.Precision),
        new(Abstractions.Plugins.PluginKind.Optimizer, "training.optimizer", Training.Optimizer),
        new(Abstractions.Plugins.PluginKind.Sampler, "evaluation.sampler", Evaluation.Sampler),
    ];
}

/// <summary>One plugin a workflow selects by name.</summary>
/// <param name="Kind">The plugin's kind.</param>
/// <param name="KeyPath">The setting that names it, for example <c>training.optimizer</c>.</param>
/// <param name="Name">The selected plugin name.</param>
public sealed record PluginSelection(Abstractions.Plugins.PluginKind Kind, string KeyPath, string Name);
