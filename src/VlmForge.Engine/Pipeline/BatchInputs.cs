using VlmForge.Data.Batching;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Models.Detection;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>A collated batch as the model's inputs on a device: one place that carries every field (images' own sizes too).</summary>
internal static class BatchInputs
{
    /// <param name="batch">The collated batch.</param>
    /// <param name="device">Where the model's weights are.</param>
    /// <param name="withLabels">Pass the labels (training, validation loss) or not (logits only, generation prompts).</param>
    /// <param name="regions">Annotated regions per image, for a vision side that learns from them.</param>
    public static VlmInputs ToInputs(this VlmBatch batch, Device device, bool withLabels = true,
        IReadOnlyList<IReadOnlyList<ImageRegion>>? regions = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(device);
        return new VlmInputs(
            batch.PixelValues.to(device), batch.InputIds.to(device), batch.AttentionMask.to(device),
            withLabels ? batch.Labels.to(device) : null, regions, Extents(batch.ImageSizes))
        {
            RowLossWeights = withLabels && batch.RowLossWeights is { } weights
                ? tensor(weights.ToArray(), ScalarType.Float32).to(device)
                : null,
        };
    }

    /// <summary>A task example with its record's image, encoded for training with as many placeholders as that image needs.</summary>
    public static CollateItem TrainingItem(ConversationEncoder encoder, PreparedImageCache images, TaskExample example) =>
        TrainingItem(encoder, images.Get(example.Record), example);

    /// <summary>A task example paired with <paramref name="image"/> (its own or another record's), encoded for that image (its size, its tiles).</summary>
    public static CollateItem TrainingItem(ConversationEncoder encoder, PreparedImage image, TaskExample example)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(example);
        return new CollateItem(image, encoder.EncodeTraining(example.UserText, example.Answer, image));
    }

    /// <summary>The model's form of per-image sizes; null stays null (every image fills the tensor).</summary>
    public static IReadOnlyList<ImageExtent>? Extents(IReadOnlyList<ImageSize>? sizes) =>
        sizes?.Select(s => new ImageExtent(s.Height, s.Width)).ToArray();
}
