using VlmForge.Data.Tokenization;
using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
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
        var tokenizerFolder = RunFiles.TokenizerFolder(folder);
        if (!Directory.Exists(tokenizerFolder))
            throw new WorkflowException($"{folder.Path} has no tokenizer/ folder; it was not written by `vlmforge train`.");
        var tokenizer = TinyTokenizer.Load(tokenizerFolder);
        var dataset = log is null ? null : WorkflowDataset.Load(settings, RunAssembler.Conventions(settings), log);
        var context = RunAssembler.Assemble(settings, folder, plugins, tokenizer, dataset, writeModelConfig: false);
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
        CheckpointStore.LoadWeights(checkpoints[^1].Path, trainable);
    }
}
