using VlmForge.Abstractions.Optimizers;
using VlmForge.Models.Families;
using VlmForge.Models.Generation;
using VlmForge.Models.Inspection;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// A real-family model as a run uses it: every image at the run's one size, so one image token count per image.
/// Qwen2.5-VL takes any size whose sides are multiples of 28 (its own <see cref="IVisionLanguageModel.ImageTokenCount"/>
/// describes only the square default), and a run's smart-resized size need not be square; this reports the run's count
/// so the encoder and generation agree with the pixels the model is given. Everything else is the family model's.
/// </summary>
internal sealed class RunImageModel : IVisionLanguageModel
{
    public RunImageModel(FamilyModel model, int imageTokenCount, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageTokenCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        Model = model;
        ImageTokenCount = imageTokenCount;
        ImageSize = imageSize;
    }

    /// <summary>The family model (its LoRA layers are what PEFT exports).</summary>
    public FamilyModel Model { get; }

    public int ImageTokenCount { get; }

    public int ImageTokenId => Model.ImageTokenId;

    /// <summary>The larger side of the run's images.</summary>
    public int ImageSize { get; }

    public int VocabSize => Model.VocabSize;

    public VlmOutput Forward(VlmInputs inputs) => Model.Forward(inputs);

    public PrefillResult Prefill(VlmInputs prompt, int maxNewTokens) => Model.Prefill(prompt, maxNewTokens);

    public Tensor DecodeStep(Tensor nextTokens, KvCache cache) => Model.DecodeStep(nextTokens, cache);

    public IReadOnlyList<NamedParameter> TrainableParameters() => Model.TrainableParameters();

    public ParameterTable DescribeParameters() => Model.DescribeParameters();

    public void train(bool train = true) => Model.train(train);

    public void Dispose() => Model.Dispose();
}
