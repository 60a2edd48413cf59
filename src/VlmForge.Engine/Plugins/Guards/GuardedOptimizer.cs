using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Plugins.Guards;

internal sealed class GuardedOptimizerPlugin(IOptimizerPlugin inner, PluginGuard guard, PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings)
    : GuardedPlugin<IOptimizerPlugin>(inner, guard, identity, settings), IOptimizerPlugin
{
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters)
    {
        var optimizer = Guard.NotNull(nameof(Create), Guard.Run(nameof(Create), () => Inner.Create(parameters, hyperparameters)));
        return new GuardedOptimizer(optimizer, Guard);
    }
}

internal sealed class GuardedOptimizer(IOptimizer inner, PluginGuard guard) : IOptimizer
{
    public long StepCount => guard.Run(nameof(StepCount), () => inner.StepCount);

    public void Step(double learningRate) => guard.Run(nameof(Step), () => inner.Step(learningRate));

    public IReadOnlyDictionary<string, Tensor> SaveState() =>
        guard.NotNull(nameof(SaveState), guard.Run(nameof(SaveState), inner.SaveState));

    public void LoadState(IReadOnlyDictionary<string, Tensor> state) => guard.Run(nameof(LoadState), () => inner.LoadState(state));

    public void Dispose() => guard.Run(nameof(Dispose), inner.Dispose);
}
