using VlmForge.Data.Batching;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Families;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Runs;
using VlmForge.Models.Families;
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

    /// <summary>The one size every image of the run is resized to.</summary>
    public required ImageSize ModelImage { get; init; }

    /// <summary>The real family's snapshot (model.path); null for the tiny model.</summary>
    public FamilySnapshot? Snapshot { get; init; }

    /// <summary>What the run takes from its family (<see cref="RunAssembler.Open"/>): its model's export among others.</summary>
    internal FamilyRun? FamilyRun { get; init; }

    /// <summary>The tokenizer of the run's family (the tiny tokenizer built for the run, or the snapshot's).</summary>
    public required ITextTokenizer Tokenizer { get; init; }
    public required IVisionLanguageModel Model { get; init; }
    public required Device Device { get; init; }
    public required ConversationEncoder Encoder { get; init; }
    public required PreparedImageCache Images { get; init; }
    public required BatchCollator Collator { get; init; }

    /// <summary>Null when the context was opened for evaluation or generation only.</summary>
    public WorkflowDataset? Dataset { get; init; }

    /// <summary>The real family's model (what PEFT exports and imports); null for the tiny model.</summary>
    public FamilyModel? FamilyModel => (Model as RunImageModel)?.Model;

    public void Dispose() => Model.Dispose();
}
