using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Tests;

/// <summary>The TOML forms all reach the same tree, each value with its 1-based line and column.</summary>
public class ConfigTreeTests
{
    [Fact]
    public void Dotted_keys_inline_tables_and_headers_are_the_same_settings()
    {
        var headers = TestConfig.Load("[training]\nepochs = 3\n[model]\nsize = \"small\"\n").Settings!;
        var dotted = TestConfig.Load("training.epochs = 3\nmodel.size = \"small\"\n").Settings!;
        var inline = TestConfig.Load("training = { epochs = 3 }\nmodel = { size = \"small\" }\n").Settings!;

        Assert.Equal((3, ModelSize.Small), (headers.Training.Epochs, headers.Model.Size));
        Assert.Equal(headers.Training, dotted.Training);
        Assert.Equal(headers.Model, dotted.Model);
        Assert.Equal(headers.Training, inline.Training);
    }

    [Fact]
    public void Values_keep_their_line_and_column()
    {
        var root = TestConfig.Load("# comment\n[training]\n  epochs   = 3\nbetas = [0.9,  0.98]\n").Root!;

        Assert.True(root.TryGetPath("training.epochs", out var epochs));
        Assert.Equal(new SourceLocation("vlmforge.toml", 3, 3), epochs.KeyLocation);
        Assert.Equal(new SourceLocation("vlmforge.toml", 3, 14), epochs.Value.Location);
        Assert.True(root.TryGetPath("training.betas", out var betas));
        Assert.Equal(new SourceLocation("vlmforge.toml", 4, 16), ((ConfigArray)betas.Value).Items[1].Location);
        Assert.Equal(new SourceLocation("vlmforge.toml", 2, 1), root.Table("training")!.Location);
    }

    [Fact]
    public void Writing_into_an_inline_table_later_is_a_duplicate()
    {
        var error = Assert.Single(TestConfig.Load("training = { epochs = 3 }\ntraining.seed = 4\n").Errors);

        Assert.Equal("VLMF0101", error.Code);
        Assert.Equal("vlmforge.toml:2:1", error.Location.ToString());
    }

    [Fact]
    public void Plugin_tables_are_kept_raw_for_the_plugin()
    {
        var settings = TestConfig.Load("[plugins.lion]\nbeta1 = 0.95\nnested = { a = 1 }\n[plugins.other]\nx = \"y\"\n").Settings!;

        Assert.Equal(["lion", "other"], settings.Plugins.Keys.Order());
        Assert.Equal(["beta1", "nested"], settings.PluginSection("lion")!.Entries.Select(e => e.Key));
        Assert.Null(settings.PluginSection("missing"));
    }

    [Fact]
    public void A_plugins_entry_that_is_not_a_table_is_an_error()
    {
        var error = Assert.Single(TestConfig.Load("[plugins]\nlion = 3\n").Errors);

        Assert.Equal("vlmforge.toml:2:1: error VLMF0104: plugins.lion: expected a table [plugins.lion] holding that plugin's settings, found integer 3.", error.ToString());
    }
}
