using VlmForge.Cli;
using VlmForge.Plugins.Tests.Support;

namespace VlmForge.Plugins.Tests.Host;

/// <summary><c>vlmforge plugins</c> lists what the host found and what failed.</summary>
[Collection(FaultyPluginsCollection.Name)]
public class PluginsCommandTests(FaultyPlugins faulty)
{
    [Fact]
    public void Lists_every_built_in_plugin_with_kind_version_contract_and_folder()
    {
        var output = new StringWriter();

        var exit = CliApp.Run(["plugins"], output, new StringWriter());

        Assert.Equal(0, exit);
        var lines = output.ToString().Split(Environment.NewLine);
        Assert.Matches(@"^NAME\s+KIND\s+VERSION\s+CONTRACT\s+FOLDER$", lines[2]);
        var adamw = Assert.Single(lines, l => l.StartsWith("adamw ", StringComparison.Ordinal));
        Assert.Matches(@"^adamw\s+optimizer\s+0\.1\.0\s+3\s+/.*/plugins/VlmForge\.Plugins\.Optimizers$", adamw);
        foreach (var name in new[] { "adam", "nf4", "fp4", "none", "bf16", "fp16", "fp32", "standard" })
            Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        Assert.DoesNotContain("failed to load", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_the_failures_with_their_reasons_and_exits_with_1()
    {
        var output = new StringWriter();

        var exit = CliApp.Run(["plugins", "--plugins", faulty.Root], output, new StringWriter());

        Assert.Equal(1, exit);
        var text = output.ToString();
        Assert.Contains("8 plugin(s) failed to load:", text, StringComparison.Ordinal);
        Assert.Contains($"  TestPlugins.CtorThrows [constructor-threw] in {faulty.Folder("Faulty.Ctor")}", text, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: license file missing", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^test-sgd\s+optimizer\s+1\.2\.3\s+3\s+", text);
    }
}
