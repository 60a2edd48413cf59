using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Cli;
using VlmForge.Engine.Plugins;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Host;

/// <summary>Every kind of broken plugin gives an error naming the plugin and its folder, and the rest still load.</summary>
[Collection(FaultyPluginsCollection.Name)]
public class PluginFaultTests(FaultyPlugins faulty)
{
    [Fact]
    public void Healthy_plugins_and_built_ins_load_beside_the_faulty_ones()
    {
        Assert.True(faulty.Catalog.Exists(PluginKind.Optimizer, "test-sgd"));
        Assert.True(faulty.Catalog.Exists(PluginKind.Optimizer, "explodes"));
        Assert.Equal(9 + 2 - 1, faulty.Catalog.Plugins.Count); // adamw is claimed twice, so neither claimant loads
        Assert.Equal(6 + 2, faulty.Catalog.Failures.Count);
    }

    [Fact]
    public void A_plugin_whose_constructor_throws_is_reported_with_its_class_folder_and_reason()
    {
        var failure = faulty.FailureOf("Faulty.Ctor");
        Assert.Equal(PluginFailureKind.ConstructorThrew, failure.Kind);
        Assert.Equal("TestPlugins.CtorThrows", failure.Plugin);
        Assert.Contains("InvalidOperationException: license file missing", failure.Message, StringComparison.Ordinal);
        Assert.Contains(faulty.Folder("Faulty.Ctor"), failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_that_throws_while_running_raises_an_error_naming_it_its_folder_and_the_call()
    {
        using var optimizer = faulty.Catalog.Optimizer("explodes").Create([new("w", new TorchSharp.Modules.Parameter(ones(2)))], new OptimizerHyperparameters(WeightDecay: 0));

        var error = Assert.Throws<PluginRuntimeException>(() => optimizer.Step(0.1));

        Assert.Equal("explodes", error.PluginName);
        Assert.Equal(faulty.Folder("Faulty.Runtime"), error.Folder);
        Assert.Equal("Step", error.Operation);
        Assert.StartsWith($"Plugin 'explodes' (optimizer, folder {faulty.Folder("Faulty.Runtime")}) failed in Step: DivideByZeroException: the step size is zero.", error.Message, StringComparison.Ordinal);
        Assert.IsType<DivideByZeroException>(error.InnerException);
    }

    [Theory]
    [InlineData("Faulty.MissingDependency", "TestPlugins.NeedsCurves")] // the constructor calls into the missing assembly
    [InlineData("Faulty.MissingBase", "Faulty.MissingBase")]           // the plugin class derives from a type in it
    public void A_plugin_missing_a_dependency_names_the_missing_assembly_and_its_folder(string folderName, string plugin)
    {
        var failure = faulty.FailureOf(folderName);
        Assert.Equal(PluginFailureKind.MissingDependency, failure.Kind);
        Assert.Equal(plugin, failure.Plugin);
        Assert.Contains("It needs 'Acme.Curves, Version=0.0.0.0", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"Copy that assembly into {faulty.Folder(folderName)}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_built_for_another_contract_version_is_refused_with_both_versions()
    {
        var failure = faulty.FailureOf("Faulty.ContractVersion");
        Assert.Equal(PluginFailureKind.ContractVersionMismatch, failure.Kind);
        Assert.Equal("from-the-future", failure.Plugin);
        Assert.Contains($"built for plugin contract version {PluginContract.Version + 1}, a newer one than this host's ({PluginContract.Version})", failure.Message, StringComparison.Ordinal);
        Assert.False(faulty.Catalog.Exists(PluginKind.Optimizer, "from-the-future"));
    }

    [Fact]
    public void A_plugin_built_against_contracts_of_another_shape_is_refused_with_both_versions()
    {
        // Its IVlmForgePlugin (from a VlmForge.Abstractions 9.0.0.0) has other members than the host's.
        var failure = faulty.FailureOf("Faulty.NewerContracts");
        Assert.Equal(PluginFailureKind.ContractVersionMismatch, failure.Kind);
        Assert.Equal("Faulty.NewerContracts", failure.Plugin);
        Assert.Contains("Its classes do not fit this host's plugin contracts", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'get_Identity' in type 'TestPlugins.FuturePlugin'", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"built against VlmForge.Abstractions 9.0.0.0; this host provides {typeof(IVlmForgePlugin).Assembly.GetName().Version}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_built_against_newer_contracts_is_told_to_rebuild_not_to_copy_the_contracts()
    {
        var failure = faulty.FailureOf("Faulty.NewerContractsAlone");
        Assert.Equal(PluginFailureKind.ContractVersionMismatch, failure.Kind);
        Assert.Contains("VlmForge.Abstractions 9.0.0.0", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"this host provides {typeof(IVlmForgePlugin).Assembly.GetName().Version}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Rebuild", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Copy that assembly", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_plugins_with_one_name_are_both_refused_and_every_workflow_load_says_which_folders()
    {
        var builtIn = Path.Combine(PluginCatalog.BuiltInFolder, "VlmForge.Plugins.Optimizers");
        var copycat = faulty.Folder("Copycat.AdamW");
        var failures = faulty.Catalog.Failures.Where(f => f.Kind == PluginFailureKind.DuplicateName).ToList();
        Assert.Equal([builtIn, copycat], failures.Select(f => f.Folder));
        Assert.All(failures, f => Assert.Contains($"2 plugins are named 'adamw': the optimizer VlmForge.Plugins.Optimizers.AdamWPlugin in {builtIn}; " +
            $"the optimizer TestPlugins.CopycatAdamW in {copycat}.", f.Message, StringComparison.Ordinal));
        Assert.False(faulty.Catalog.Exists(PluginKind.Optimizer, "adamw"));
        Assert.Equal("adamw", Assert.Single(faulty.Catalog.Conflicts).Name);
    }

    [Theory]
    [InlineData("adamw", 2)]
    [InlineData("adam", 3)]
    public void Check_and_train_refuse_a_workflow_while_two_plugins_share_a_name_whichever_it_selects(string optimizer, int line)
    {
        var config = Path.Combine(PluginCompiler.TempFolder("duplicate"), "vlmforge.toml");
        File.WriteAllText(config, $"[training]\noptimizer = \"{optimizer}\"\n");
        var copycat = faulty.Folder("Copycat.AdamW");

        foreach (var command in new[] { "check", "train" })
        {
            var error = new StringWriter();
            var exit = CliApp.Run([command, "--config", config, "--plugins", copycat], new StringWriter(), error);

            Assert.Equal(1, exit);
            var text = error.ToString();
            Assert.Contains(optimizer == "adamw" ? $"vlmforge.toml:{line}:13: error VLMF0109: training.optimizer: no optimizer plugin named \"adamw\"" : "vlmforge.toml: error VLMF0112: plugins.adamw: 2 plugins are named 'adamw'", text, StringComparison.Ordinal);
            Assert.Contains(copycat, text, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(PluginCatalog.BuiltInFolder, "VlmForge.Plugins.Optimizers"), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Asking_for_a_plugin_that_failed_to_load_explains_why()
    {
        var error = Assert.Throws<PluginNotFoundException>(() => faulty.Catalog.Optimizer("from-the-future"));
        Assert.Contains($"A plugin named 'from-the-future' was found in {faulty.Folder("Faulty.ContractVersion")} but did not load: It was built for plugin contract version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_plugin_folder_is_a_failure_not_a_crash()
    {
        var missing = Path.Combine(faulty.Root, "does-not-exist");
        using var catalog = PluginCatalog.Load([missing], includeBuiltIns: false);
        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(PluginFailureKind.FolderNotFound, failure.Kind);
        Assert.Equal(missing, failure.Folder);
    }
}
