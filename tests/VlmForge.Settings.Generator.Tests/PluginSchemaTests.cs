using Samples.Lion;
using VlmForge.Abstractions.Settings;
using VlmForge.Settings.Loading;

namespace VlmForge.Settings.Generator.Tests;

/// <summary>
/// Plugin/lion.settings.toml is compiled by the real generator into this assembly, the way a plugin project gets
/// its option type: these tests use the generated LionOptions directly.
/// </summary>
public class PluginSchemaTests
{
    private static (LionOptions Options, DiagnosticBag Diagnostics) Bind(string toml)
    {
        var load = WorkflowLoader.LoadText(toml, "plugin.toml");
        var diagnostics = new DiagnosticBag();
        var section = load.Root!.Table("plugins")?.Table("lion");
        return (LionOptions.Bind(section, diagnostics), diagnostics);
    }

    [Fact]
    public void A_plugin_schema_describes_its_own_table()
    {
        Assert.Equal("plugins.lion", LionOptions.SectionPath);
        Assert.Equal(["beta1", "beta2", "learning_rate_scale", "variant"], LionOptions.Descriptors.Select(d => d.Key));
        Assert.All(LionOptions.Descriptors, d => Assert.Equal("plugins.lion", d.Section));
        Assert.Equal("plugins.lion.beta2", LionOptions.Descriptors[1].Path);
        Assert.Equal("[0, 1)", LionOptions.Descriptors[1].Range);
        Assert.Equal(["standard", "cautious"], LionOptions.Descriptors[3].AllowedValues);
    }

    [Fact]
    public void Binding_a_plugin_table_reads_its_values()
    {
        var (options, diagnostics) = Bind("[plugins.lion]\nbeta1 = 0.95\nvariant = \"cautious\"\n");

        Assert.Empty(diagnostics);
        Assert.Equal(LionOptions.Default with { Beta1 = 0.95, Variant = LionVariant.Cautious }, options);
        Assert.Equal(0.99, options.Beta2);
    }

    [Fact]
    public void A_missing_plugin_table_gives_the_defaults()
    {
        var (options, diagnostics) = Bind("[training]\nepochs = 3\n");

        Assert.Empty(diagnostics);
        Assert.Equal(LionOptions.Default, options);
    }

    [Fact]
    public void Plugin_settings_are_validated_with_locations_under_the_plugin_table()
    {
        var (_, diagnostics) = Bind("[plugins.lion]\nbeta2 = 1.0\nbeta_1 = 0.9\nvariant = \"fast\"\n");

        Assert.Equal(
        [
            "plugin.toml:2:9: error VLMF0105: plugins.lion.beta2: found 1.0; the value must be between 0 and 1 (exclusive) ([0, 1)).",
            "plugin.toml:4:11: error VLMF0106: plugins.lion.variant: found \"fast\", which is not allowed; allowed: \"standard\", \"cautious\".",
            "plugin.toml:3:1: error VLMF0102: plugins.lion.beta_1: [plugins.lion] has no setting 'beta_1'. Did you mean 'beta1'?",
        ], diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_plugin_option_type_writes_its_table_as_canonical_toml()
    {
        var text = new System.Text.StringBuilder();
        var writer = new TomlTableWriter(text);
        writer.Header(LionOptions.SectionPath);
        (LionOptions.Default with { Beta1 = 0.5 }).WriteTo(writer);

        Assert.Equal("[plugins.lion]\nbeta1 = 0.5\nbeta2 = 0.99\nlearning_rate_scale = 0.3\nvariant = \"standard\"\n", text.ToString());
    }
}
