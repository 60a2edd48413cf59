namespace VlmForge.Abstractions.Plugins;

/// <summary>The role a plugin plays in the training pipeline.</summary>
public enum PluginKind
{
    /// <summary>Updates trainable parameters from their gradients (<see cref="Optimizers.IOptimizerPlugin"/>).</summary>
    Optimizer,

    /// <summary>Stores frozen base weights in fewer bits (<see cref="Quantization.IQuantizerPlugin"/>).</summary>
    Quantizer,

    /// <summary>Chooses compute dtypes and loss scaling (<see cref="Precision.IPrecisionPlugin"/>).</summary>
    Precision,

    /// <summary>Turns next-token logits into tokens during generation (<see cref="Sampling.ISamplerPlugin"/>).</summary>
    Sampler,
}
