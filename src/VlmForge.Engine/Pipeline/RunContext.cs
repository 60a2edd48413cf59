using VlmForge.Data.Batching;
using VlmForge.Data.Families;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Models.Modeling;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>The assembled pieces of one run: what training, validation, evaluation and generation share.</summary>
public sealed class RunContext : IDisposable
{
    public required WorkflowSettings Settings { get; init; }
    public required RunFolder Folder { get; init; }
    public required PluginCatalog Plugins { get; init; }
    public required FamilyDataConventions Conventions { get; init; }
    public required TinyTokenizer Tokenizer { get; init; }
    public required IVisionLanguageModel Model { get; init; }
    public required Device Device { get; init; }
    public required ConversationEncoder Encoder { get; init; }
    public required PreparedImageCache Images { get; init; }
    public required BatchCollator Collator { get; init; }

    /// <summary>Null when the context was opened for evaluation or generation only.</summary>
    public WorkflowDataset? Dataset { get; init; }

    public void Dispose() => Model.Dispose();
}
