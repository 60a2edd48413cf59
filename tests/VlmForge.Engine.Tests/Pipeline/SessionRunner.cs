using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Settings;
using VlmForge.Settings.Loading;

namespace VlmForge.Engine.Tests.Pipeline;

/// <summary>Runs a whole training session silently, as `vlmforge train` would, and can ask it to stop after a step.</summary>
internal static class SessionRunner
{
    /// <summary>The tiny model on a 24-image shapes dataset, 8 steps of batch 8 with a checkpoint every 2: seconds per run.</summary>
    private const string TinyConfig = """
        [model]
        family = "tiny"
        size = "tiny"
        training_mode = "full"
        quantization = "none"
        precision = "fp32"

        [training]
        epochs = 2
        learning_rate = 0.002
        batch_size = 8
        max_steps = 8
        checkpoint_interval = 2
        seed = 5

        [dataset]
        path = "{data}"
        synthetic = "{synthetic}"
        synthetic_count = 24
        image_size = 32
        task = "mixed"
        validation_split = 0.25
        on_error = "{on_error}"

        [run]
        name = "{name}"
        threads = 1
        """;

    /// <summary><see cref="TinyConfig"/> loaded as a config in <paramref name="folder"/>, with the run's name, data and on_error.</summary>
    public static WorkflowSettings TinySettings(PluginCatalog plugins, string folder, string name, string data = "data",
        string synthetic = "shapes", string onError = "skip")
    {
        var text = TinyConfig.Replace("{name}", name).Replace("{data}", data).Replace("{synthetic}", synthetic).Replace("{on_error}", onError);
        return WorkflowLoader.LoadText(text, Path.Combine(folder, "vlmforge.toml"), plugins, folder).GetSettingsOrThrow();
    }

    /// <param name="stopAfter">Called after every step; true cancels the run there (as Ctrl+C does).</param>
    /// <param name="validate">Validate during training and evaluate at the end (slower: generation).</param>
    /// <param name="log">Where the session's messages go (nowhere when null).</param>
    public static TrainingSessionResult Train(PluginCatalog plugins, WorkflowSettings? settings, string? resume = null,
        Func<long, bool>? stopAfter = null, bool validate = false, TextWriter? log = null)
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new StoppingProgress(step => { if (stopAfter?.Invoke(step) == true) cancellation.Cancel(); });
        return TrainingSession.Run(new TrainingRequest
        {
            Settings = settings,
            ResumeFolder = resume,
            Plugins = plugins,
            Log = log ?? TextWriter.Null,
            Progress = progress,
            Cancellation = cancellation.Token,
            Validator = validate ? RunEvaluation.Validator : _ => null,
            EvaluateAtEnd = validate,
        });
    }

    /// <summary>A silent progress display that reports each finished step.</summary>
    private sealed class StoppingProgress(Action<long> afterStep) : ITrainingProgress
    {
        public void Run(long totalSteps, long firstStep, Action<IProgressSink> body) =>
            new ConsoleTrainingProgress(TextWriter.Null, interactive: false).Run(totalSteps, firstStep, sink => body(new Sink(sink, afterStep)));

        private sealed class Sink(IProgressSink inner, Action<long> afterStep) : IProgressSink
        {
            public void Step(long step, int epoch, int epochs, double loss, double learningRate)
            {
                inner.Step(step, epoch, epochs, loss, learningRate);
                afterStep(step);
            }

            public void Message(string line) => inner.Message(line);
        }
    }
}
