namespace VlmForge.Plugins.Tests.Support;

/// <summary>Sources of small plugins, each with one particular fault.</summary>
public static class TestPluginSources
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using VlmForge.Abstractions.Optimizers;
        using VlmForge.Abstractions.Plugins;
        using VlmForge.Abstractions.Settings;
        using static TorchSharp.torch;
        """;

    /// <summary>A working optimizer plugin; <paramref name="body"/> is the body of its constructor, <paramref name="step"/> of Step.</summary>
    public static string Optimizer(string className, string name, string contractVersion = "PluginContract.Version", string body = "", string step = "", string members = "") => $$"""
        {{Usings}}
        namespace TestPlugins;

        public sealed class {{className}} : IOptimizerPlugin
        {
            public {{className}}() { {{body}} }
            public PluginIdentity Identity => new("{{name}}", PluginKind.Optimizer, "1.2.3", {{contractVersion}}, "A test optimizer.");
            public IReadOnlyList<SettingDescriptor> Settings => [];
            public void Configure(ConfigTable? section, DiagnosticBag diagnostics) { }
            public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters) => new Sgd(parameters);
            {{members}}

            private sealed class Sgd(IReadOnlyList<NamedParameter> parameters) : IOptimizer
            {
                public long StepCount { get; private set; }
                public void Step(double learningRate)
                {
                    {{step}}
                    using var noGrad = no_grad();
                    foreach (var p in parameters) p.Parameter.add_(p.Parameter.grad!, alpha: -learningRate);
                    StepCount++;
                }
                public IReadOnlyDictionary<string, Tensor> SaveState() => new Dictionary<string, Tensor>();
                public void LoadState(IReadOnlyDictionary<string, Tensor> state) { }
                public void Dispose() { }
            }
        }
        """;

    /// <summary>A helper library a plugin may depend on.</summary>
    public const string HelperLibrary = """
        namespace Acme.Curves;
        public static class Curve { public static double Value() => 0.5; }
        public abstract class CurveBase { public double Scale => 2; }
        """;

    /// <summary>A VlmForge.Abstractions of another version whose IVlmForgePlugin has another shape.</summary>
    public const string NewerAbstractions = """
        [assembly: System.Reflection.AssemblyVersion("9.0.0.0")]
        namespace VlmForge.Abstractions.Plugins
        {
            public interface IVlmForgePlugin { string Name { get; } }
        }
        """;

    /// <summary>A plugin built against <see cref="NewerAbstractions"/>.</summary>
    public const string PluginOfNewerContracts = """
        namespace TestPlugins;
        public sealed class FuturePlugin : VlmForge.Abstractions.Plugins.IVlmForgePlugin { public string Name => "future"; }
        """;
}
