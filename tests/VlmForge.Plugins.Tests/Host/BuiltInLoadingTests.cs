using System.Runtime.Loader;
using VlmForge.Abstractions.Plugins;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;
using VlmForge.Plugins.Tests.Support;

namespace VlmForge.Plugins.Tests.Host;

/// <summary>The built-in plugins load from the host's plugins folder like third-party ones.</summary>
[Collection(BuiltInPluginsCollection.Name)]
public class BuiltInLoadingTests(BuiltInPlugins builtIns)
{
    private PluginCatalog Catalog => builtIns.Catalog;

    [Fact]
    public void Every_built_in_plugin_loads_without_failures()
    {
        Assert.Empty(Catalog.Failures);
        Assert.Equal(["adam", "adamw"], Catalog.Names(PluginKind.Optimizer));
        Assert.Equal(["fp4", "nf4", "none"], Catalog.Names(PluginKind.Quantizer));
        Assert.Equal(["bf16", "fp16", "fp32"], Catalog.Names(PluginKind.Precision));
        Assert.Equal(["standard"], Catalog.Names(PluginKind.Sampler));
    }

    [Fact]
    public void The_built_ins_are_exactly_the_names_the_settings_schemas_list_as_built_in()
    {
        var selections = VlmForge.Settings.WorkflowSettings.Descriptors.Where(d => d.PluginKind is not null).ToList();
        Assert.Equal(4, selections.Count);
        foreach (var setting in selections)
            Assert.Equal(setting.BuiltInPlugins.Order(StringComparer.Ordinal), Catalog.Names(setting.PluginKind!.Value));
    }

    [Fact]
    public void Each_plugin_reports_its_identity_folder_and_the_host_contract_version()
    {
        var adamw = Catalog.Get(PluginKind.Optimizer, "adamw");
        Assert.Equal(PluginContract.Version, adamw.ContractVersion);
        Assert.Equal("0.1.0", adamw.Version);
        Assert.Equal(Path.Combine(PluginCatalog.BuiltInFolder, "VlmForge.Plugins.Optimizers"), adamw.Folder);
        Assert.Equal("VlmForge.Plugins.Optimizers.AdamWPlugin", adamw.TypeName);
        Assert.Equal(["plugins.adamw.beta1", "plugins.adamw.beta2", "plugins.adamw.eps"], adamw.Settings.Select(s => s.Path));
    }

    [Fact]
    public void Each_plugin_folder_has_its_own_load_context_that_shares_the_contracts_and_TorchSharp()
    {
        var contexts = Catalog.Plugins.GroupBy(p => p.Folder).Select(g => g.Select(p => p.LoadContext).Distinct().Single()).ToList();
        Assert.Equal(4, contexts.Count);
        Assert.Equal(4, contexts.Distinct().Count());
        Assert.DoesNotContain(AssemblyLoadContext.Default, contexts);

        foreach (var context in contexts)
        {
            // Only the plugin's own assembly lives in its context; the contracts and TorchSharp are the host's.
            var names = context.Assemblies.Select(a => a.GetName().Name).ToList();
            Assert.DoesNotContain("VlmForge.Abstractions", names);
            Assert.DoesNotContain("TorchSharp", names);
        }
        Assert.IsAssignableFrom<VlmForge.Abstractions.Optimizers.IOptimizerPlugin>(Catalog.Optimizer("adamw"));
    }

    [Fact]
    public void Lookups_by_kind_and_name_answer_what_the_settings_loader_asks()
    {
        Assert.True(Catalog.Exists(PluginKind.Quantizer, "nf4"));
        Assert.False(Catalog.Exists(PluginKind.Optimizer, "nf4"));
        Assert.False(Catalog.Exists(PluginKind.Optimizer, "sgd"));
        Assert.Equal("standard", Catalog.Sampler("standard").Identity.Name);
        Assert.Equal(PluginKind.Precision, Catalog.Precision("fp16").Identity.Kind);
    }

    [Fact]
    public void Asking_for_a_missing_plugin_names_what_is_available_and_suggests_the_closest()
    {
        var error = Assert.Throws<PluginNotFoundException>(() => Catalog.Optimizer("adamx"));
        Assert.Equal(["adam", "adamw"], error.Available);
        Assert.Contains("No optimizer plugin named 'adamx'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Available optimizer plugins: adam, adamw.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'adam", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_for_a_plugin_of_the_wrong_kind_says_what_kind_it_is()
    {
        var error = Assert.Throws<PluginNotFoundException>(() => Catalog.Optimizer("nf4"));
        Assert.Contains("'nf4' is a quantizer plugin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_in_plugin_checks_its_table_when_the_workflow_loads_like_a_built_in_section()
    {
        var result = WorkflowLoader.LoadText("[training]\noptimizer = \"adamw\"\n\n[plugins.adamw]\nbetas = [0.9, 0.99]\nbeta2 = 1.0\n",
            "vlmforge.toml", Catalog, Path.GetTempPath());

        Assert.Equal(
        [
            "vlmforge.toml:5:1: error VLMF0102: plugins.adamw.betas: [plugins.adamw] has no setting 'betas'. Did you mean 'beta1'?",
            "vlmforge.toml:6:9: error VLMF0105: plugins.adamw.beta2: found 1.0; the value must be between 0 and 1 (exclusive) ([0, 1)).",
        ], result.Errors.Select(d => d.ToString()));
        Assert.Null(result.Settings);
    }

    [Fact]
    public void The_adamw_table_reaches_the_optimizer_it_creates()
    {
        // Its own catalog: configuring changes the plugin's state, which the shared fixture's other tests must not see.
        using var catalog = PluginCatalog.Load([]);
        Assert.Equal(0.9, OneStep(catalog, ""), 1e-9);   // defaults: the first step moves by lr·g/(|g| + 1e-8)
        Assert.Equal(1 - 0.1 / 1.5, OneStep(catalog, "eps = 0.5\n"), 1e-9);
        Assert.Equal(0.9, OneStep(catalog, ""), 1e-9);   // the next workflow without the table gets the defaults back

        static double OneStep(PluginCatalog catalog, string table)
        {
            var loaded = WorkflowLoader.LoadText($"[training]\noptimizer = \"adamw\"\n\n[plugins.adamw]\n{table}", "vlmforge.toml", catalog, Path.GetTempPath());
            Assert.Empty(loaded.Errors);
            var w = new TorchSharp.Modules.Parameter(TorchSharp.torch.tensor(new[] { 1.0 }));
            using var optimizer = catalog.Optimizer("adamw").Create([new("w", w)], new(WeightDecay: 0));
            w.grad = TorchSharp.torch.tensor(new[] { 1.0 });
            optimizer.Step(0.1);
            return w.item<double>();
        }
    }
}
