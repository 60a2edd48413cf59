using VlmForge.Engine.Runs;
using VlmForge.Models.Peft;

namespace VlmForge.Engine.Pipeline;

/// <summary>Where a run keeps what is needed to rebuild its model later (resume, eval, generate).</summary>
internal static class RunFiles
{
    public static string TokenizerFolder(RunFolder run) => Path.Combine(run.Path, "tokenizer");
    public static string ModelConfig(RunFolder run) => Path.Combine(run.ModelPath, "config.json");

    /// <summary>Trained weights at the end of the run (every trainable parameter; the frozen rest is rebuilt from the seed or model.path).</summary>
    public static string TrainedWeights(RunFolder run) => Path.Combine(run.ModelPath, "trainable.safetensors");

    /// <summary>A real-family LoRA run's adapter config (PEFT layout in model/; its weights are beside it).</summary>
    public static string AdapterConfig(RunFolder run) => Path.Combine(run.ModelPath, PeftAdapters.ConfigFileName);

    /// <summary>A real-family run's usage notes (image size, chat template, box convention), written when the run starts.</summary>
    public static string Usage(RunFolder run) => Path.Combine(run.ModelPath, PeftAdapters.UsageFileName);
}
