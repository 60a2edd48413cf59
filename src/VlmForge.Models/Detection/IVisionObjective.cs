using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Detection;

/// <summary>A vision side that learns from annotated regions by itself, without the language model (the tiny model's detector).</summary>
public interface IVisionObjective
{
    /// <summary>The parameters the objective trains.</summary>
    IReadOnlyList<Parameter> ObjectiveParameters { get; }

    /// <summary>False when the parameters are frozen (a LoRA run keeps its base, the vision side included, fixed).</summary>
    bool Trainable { get; }

    /// <summary>The loss on pixels [N, 3, H, W] against one region list per image.</summary>
    VisionLoss ObjectiveLoss(Tensor pixelValues, IReadOnlyList<IReadOnlyList<ImageRegion>> regions);
}

/// <summary>A vision objective's loss: the fp32 scalar to minimise (with a graph) and named parts to report (no graph).</summary>
public sealed record VisionLoss(Tensor Total, IReadOnlyList<(string Name, Tensor Value)> Parts);

/// <summary>A model that may have a vision side with its own objective.</summary>
public interface IVisionObjectiveSource
{
    /// <summary>The objective, or null when this model's vision side has none.</summary>
    IVisionObjective? VisionObjective { get; }
}
