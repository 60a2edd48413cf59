using VlmForge.Abstractions.Plugins;

namespace VlmForge.Abstractions.Sampling;

/// <summary>A plugin that picks the next token during generation.</summary>
public interface ISamplerPlugin : IVlmForgePlugin
{
    /// <summary>Creates a sampler for one generation session.</summary>
    ISampler Create(SamplingOptions options);
}
