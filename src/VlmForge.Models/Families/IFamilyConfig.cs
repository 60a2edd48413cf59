using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families;

/// <summary>
/// The parsed <c>config.json</c> of a real model family (Qwen2.5-VL or Idefics3/SmolVLM). The config builds its own model,
/// as Hugging Face's config class names its model class, so nothing else switches on the config's type.
/// </summary>
public interface IFamilyConfig
{
    /// <summary>The family name used in <c>model.family</c>: <see cref="ModelFamilies.Qwen25Vl"/> or <see cref="ModelFamilies.SmolVlm"/>.</summary>
    string Family { get; }

    /// <summary>Hugging Face's <c>model_type</c>.</summary>
    string ModelType { get; }

    /// <summary>Rows of the token embedding and columns of the logits.</summary>
    int VocabSize { get; }

    /// <summary>The image placeholder token id.</summary>
    int ImageTokenId { get; }

    /// <summary>Throws <see cref="Tiny.InvalidModelConfigException"/> naming every problem when the shapes do not fit together.</summary>
    void Validate();

    /// <summary>The family's model with fresh weights, prepared for training (<see cref="FamilyModels.Create"/>).</summary>
    FamilyModel CreateModel(ModelSetup setup, FamilyModelOptions options);

    /// <summary>The family's modules on <paramref name="device"/> without setup applied: what the snapshot loader fills.</summary>
    FamilyModel CreateSkeleton(ModelSetup setup, FamilyModelOptions options, Device device);
}
