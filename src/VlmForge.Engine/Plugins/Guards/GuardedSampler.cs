using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Sampling;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Plugins.Guards;

internal sealed class GuardedSamplerPlugin(ISamplerPlugin inner, PluginGuard guard, PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings)
    : GuardedPlugin<ISamplerPlugin>(inner, guard, identity, settings), ISamplerPlugin
{
    public ISampler Create(SamplingOptions options) =>
        new GuardedSampler(Guard.NotNull(nameof(Create), Guard.Run(nameof(Create), () => Inner.Create(options))), Guard);
}

internal sealed class GuardedSampler(ISampler inner, PluginGuard guard) : ISampler
{
    public Tensor Next(Tensor logits, Tensor previousTokens) =>
        guard.NotNull(nameof(Next), guard.Run(nameof(Next), () => inner.Next(logits, previousTokens)));

    public void Dispose() => guard.Run(nameof(Dispose), inner.Dispose);
}
