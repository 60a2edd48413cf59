namespace VlmForge.Models.Families;

/// <summary>The parsed <c>config.json</c> of a real model family (Qwen2.5-VL or Idefics3/SmolVLM).</summary>
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
}
