using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Models.Peft;
using VlmForge.Settings.Loading;

namespace VlmForge.Engine.Pipeline;

/// <summary>Opens a finished (or interrupted) run with its trained weights, for evaluation and generation.</summary>
public static class RunLoader
{
    /// <param name="runPath">The run folder.</param>
    /// <param name="plugins">Installed plugins (the run's sampler and precision are looked up by name).</param>
    /// <param name="log">Where data-loading notes go; null loads no dataset (generation only).</param>
    public static RunContext Open(string runPath, PluginCatalog plugins, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var folder = RunFolder.Open(runPath);
        var settings = WorkflowLoader.LoadFile(folder.ConfigPath, plugins).GetSettingsOrThrow();
        var run = RunAssembler.Open(settings);
        var tokenizer = run.TrainedTokenizer(folder);
        var conventions = run.TrainedConventions(settings, folder);
        var dataset = log is null ? null : WorkflowDataset.Load(settings, conventions, log);

        var context = RunAssembler.Assemble(settings, folder, plugins, tokenizer, run, conventions, dataset, writeModelConfig: false);
        try
        {
            LoadTrainedWeights(context);
        }
        catch
        {
            context.Dispose();
            throw;
        }
        context.Model.train(false);
        return context;
    }

    private static void LoadTrainedWeights(RunContext context)
    {
        if (context.FamilyModel is { } family && File.Exists(RunFiles.AdapterConfig(context.Folder)))
        {
            try
            {
                PeftAdapters.Import(family, context.Folder.ModelPath);
            }
            catch (PeftFormatException e)
            {
                throw new WorkflowException($"{context.Folder.ModelPath}: the trained adapter cannot be read: {e.Message}", e);
            }
            return;
        }
        var trainable = context.Model.TrainableParameters();
        var final = RunFiles.TrainedWeights(context.Folder);
        if (File.Exists(final))
        {
            CheckpointStore.LoadWeightsFile(final, trainable);
            return;
        }
        var checkpoints = CheckpointStore.List(context.Folder.CheckpointsPath);
        if (checkpoints.Count == 0)
            throw new WorkflowException($"{context.Folder.Path} has no trained weights yet (no model/ and no checkpoint). Train it first.");
        // Read-only here: a damaged checkpoint is passed over (resume is what sets it aside).
        var damaged = new List<string>();
        foreach (var (_, path) in checkpoints.Reverse())
        {
            if (CheckpointManifest.Verify(path) is { } problem)
            {
                damaged.Add($"{Path.GetFileName(path)}: {problem}");
                continue;
            }
            CheckpointStore.LoadWeights(path, trainable);
            return;
        }
        throw new WorkflowException(
            $"{context.Folder.Path} has no model/ and no intact checkpoint ({string.Join("; ", damaged)}). Resume the run to retrain it.");
    }
}
