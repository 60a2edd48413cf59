using VlmForge.Engine.Plugins;

namespace VlmForge.Plugins.Tests.Support;

/// <summary>
/// A plugins folder holding one healthy plugin and one plugin for every kind of fault, compiled once with Roslyn,
/// and a catalog that loaded it next to the built-ins.
/// </summary>
public sealed class FaultyPlugins : IDisposable
{
    public FaultyPlugins()
    {
        Root = PluginCompiler.TempFolder("faulty");
        HelperFolder = Root + "-helper";
        var helper = PluginCompiler.Compile("Acme.Curves", TestPluginSources.HelperLibrary, HelperFolder);

        Build("Healthy.Sgd", TestPluginSources.Optimizer("HealthySgd", "test-sgd"));
        Build("Faulty.Ctor", TestPluginSources.Optimizer("CtorThrows", "ctor-throws", body: """throw new InvalidOperationException("license file missing");"""));
        Build("Faulty.Runtime", TestPluginSources.Optimizer("StepThrows", "explodes", step: """throw new DivideByZeroException("the step size is zero");"""));
        Build("Faulty.MissingDependency", TestPluginSources.Optimizer("NeedsCurves", "needs-curves", body: "_ = Acme.Curves.Curve.Value();"), [helper]);
        Build("Faulty.MissingBase", """
            using System.Collections.Generic;
            using VlmForge.Abstractions.Optimizers;
            using VlmForge.Abstractions.Plugins;
            using VlmForge.Abstractions.Settings;
            namespace TestPlugins;
            public sealed class CurvedOptimizer : Acme.Curves.CurveBase, IOptimizerPlugin
            {
                public PluginIdentity Identity => new("curved", PluginKind.Optimizer, "1.0.0", PluginContract.Version, "");
                public IReadOnlyList<SettingDescriptor> Settings => [];
                public void Configure(ConfigTable? section, DiagnosticBag diagnostics) { }
                public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters) => throw new System.NotSupportedException();
            }
            """, [helper]);
        Build("Faulty.ContractVersion", TestPluginSources.Optimizer("FromTheFuture", "from-the-future", contractVersion: "PluginContract.Version + 1"));
        Build("Copycat.AdamW", TestPluginSources.Optimizer("CopycatAdamW", "adamw"));

        // Built against a VlmForge.Abstractions 9.0.0.0 whose contracts have another shape (shipped beside it, as a careless
        // build would; the host's copy wins, so the plugin's class no longer fits).
        var newerFolder = Path.Combine(Root, "Faulty.NewerContracts");
        var newerAbstractions = PluginCompiler.Compile("VlmForge.Abstractions", TestPluginSources.NewerAbstractions, newerFolder);
        PluginCompiler.Compile("Faulty.NewerContracts", TestPluginSources.PluginOfNewerContracts, newerFolder, replaceAbstractionsWith: newerAbstractions);

        // The same plugin installed alone: the newer contracts it was built against are nowhere the host looks.
        PluginCompiler.Compile("Faulty.NewerContractsAlone", TestPluginSources.PluginOfNewerContracts, Path.Combine(Root, "Faulty.NewerContractsAlone"),
            replaceAbstractionsWith: newerAbstractions);

        Catalog = PluginCatalog.Load([Root]);
    }

    public string Root { get; }

    /// <summary>Where the helper library the plugins reference lives: outside their folders, so it is missing at run time.</summary>
    public string HelperFolder { get; }

    public PluginCatalog Catalog { get; }

    public string Folder(string name) => Path.Combine(Root, name);

    public PluginFailure FailureOf(string folderName) =>
        Assert.Single(Catalog.Failures, f => f.Folder == Folder(folderName));

    public void Dispose()
    {
        Catalog.Dispose();
        // Loaded assemblies may be deleted on Linux and macOS; on Windows they stay until the process ends.
        foreach (var folder in new[] { Root, HelperFolder })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private void Build(string assemblyName, string source, IEnumerable<string>? references = null) =>
        PluginCompiler.Compile(assemblyName, source, Path.Combine(Root, assemblyName), references);
}

[CollectionDefinition(Name)]
public sealed class FaultyPluginsCollection : ICollectionFixture<FaultyPlugins>
{
    public const string Name = "faulty plugins";
}
