using VlmForge.Abstractions.Optimizers;
using VlmForge.Models.Generation;
using VlmForge.Models.Inspection;
using static TorchSharp.torch;

namespace VlmForge.Models.Modeling;

/// <summary>What the engine needs from any vision-language model: training forward, cached generation, parameters.</summary>
public interface IVisionLanguageModel : IDisposable
{
    /// <summary>Placeholder tokens one image occupies in <c>input_ids</c>.</summary>
    int ImageTokenCount { get; }

    /// <summary>The placeholder token id.</summary>
    int ImageTokenId { get; }

    /// <summary>Side of the square images the vision tower takes.</summary>
    int ImageSize { get; }

    /// <summary>Vocabulary size (width of the logits).</summary>
    int VocabSize { get; }

    /// <summary>Logits and, with labels, the loss. Honors train/eval mode (LoRA dropout).</summary>
    VlmOutput Forward(VlmInputs inputs);

    /// <summary>Runs the prompt (left or right padded, images allowed) without gradients; room for <paramref name="maxNewTokens"/> more tokens.</summary>
    PrefillResult Prefill(VlmInputs prompt, int maxNewTokens);

    /// <summary>Feeds one new token per row [B] (int64) and returns the next logits [B, V] float32.</summary>
    Tensor DecodeStep(Tensor nextTokens, KvCache cache);

    /// <summary>Parameters that receive gradients, with their state_dict names (what the optimizer and checkpoints see).</summary>
    IReadOnlyList<NamedParameter> TrainableParameters();

    /// <summary>Trainable and frozen counts and bytes per top-level module and kind.</summary>
    ParameterTable DescribeParameters();

    /// <summary>Sets training mode (dropout on) or evaluation mode.</summary>
    void train(bool train = true);
}
