using VlmForge.Models.Families;
using VlmForge.Models.Presets;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>A real family's config: from the snapshot at model.path when it has a config.json, else from the size's preset.</summary>
/// <param name="Config">The parsed config.</param>
/// <param name="Name">The repository id, or the snapshot folder.</param>
/// <param name="Source">Where the config came from, for the plan.</param>
/// <param name="SnapshotPath">The snapshot folder when its config was used (its tokenizer counts tokens).</param>
internal sealed record ResolvedModel(IFamilyConfig Config, string Name, string Source, string? SnapshotPath)
{
    public static ResolvedModel Resolve(WorkflowSettings settings, List<string> assumptions)
    {
        var model = settings.Model;
        var family = ModelFamilies.Normalize(model.Family);
        var size = model.Size.ToTomlName();
        if (model.Path is { } path)
        {
            var folder = settings.ResolvePath(path);
            var configPath = Path.Combine(folder, SnapshotFolder.ConfigFileName);
            if (File.Exists(configPath))
            {
                var config = ModelFamilies.ParseConfig(File.ReadAllText(configPath), configPath);
                if (config.Family != family)
                {
                    throw new PlanningException(
                        $"model.path {folder} holds a {config.Family} snapshot (model_type \"{config.ModelType}\") but model.family = \"{model.Family}\": " +
                        $"set family = \"{config.Family}\" or point path at a {family} snapshot.", "model.path");
                }
                return new ResolvedModel(config, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), $"snapshot config {configPath}", folder);
            }
            assumptions.Add($"model.path {folder} has no {SnapshotFolder.ConfigFileName}: the {size} preset's config is used.");
        }
        ModelPreset preset;
        try
        {
            preset = ModelPresets.Find(family, size);
        }
        catch (ModelPresetNotFoundException missing)
        {
            var message = missing.ParamName is null ? missing.Message : missing.Message.Replace($" (Parameter '{missing.ParamName}')", "", StringComparison.Ordinal);
            throw new PlanningException(message, missing, "model.size");
        }
        if (model.Path is null)
            assumptions.Add($"model.path is not set: the architecture is the embedded config.json of {preset.Repository}.");
        return new ResolvedModel(preset.Config, preset.Repository, $"{family} {size}: the preset's embedded config.json", null);
    }
}
