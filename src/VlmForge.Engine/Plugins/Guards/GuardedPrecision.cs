using TorchSharp.Modules;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Precision;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Plugins.Guards;

internal sealed class GuardedPrecisionPlugin(IPrecisionPlugin inner, PluginGuard guard, PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings)
    : GuardedPlugin<IPrecisionPlugin>(inner, guard, identity, settings), IPrecisionPlugin
{
    public IPrecisionPolicy Create() =>
        new GuardedPrecisionPolicy(Guard.NotNull(nameof(Create), Guard.Run(nameof(Create), Inner.Create)), Guard);
}

internal sealed class GuardedPrecisionPolicy(IPrecisionPolicy inner, PluginGuard guard) : IPrecisionPolicy
{
    public ScalarType ComputeDtype => guard.Run(nameof(ComputeDtype), () => inner.ComputeDtype);

    public double LossScale => guard.Run(nameof(LossScale), () => inner.LossScale);

    public Tensor ScaleLoss(Tensor loss) => guard.NotNull(nameof(ScaleLoss), guard.Run(nameof(ScaleLoss), () => inner.ScaleLoss(loss)));

    public bool UnscaleGradients(IReadOnlyList<Parameter> parameters) => guard.Run(nameof(UnscaleGradients), () => inner.UnscaleGradients(parameters));

    public IReadOnlyDictionary<string, double> SaveState() => guard.NotNull(nameof(SaveState), guard.Run(nameof(SaveState), inner.SaveState));

    public void LoadState(IReadOnlyDictionary<string, double> state) => guard.Run(nameof(LoadState), () => inner.LoadState(state));
}
