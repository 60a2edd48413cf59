using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

public class CliBasicsTests
{
    [Fact]
    public void Version_prints_the_product_version_and_torchsharp()
    {
        var output = new StringWriter();
        int exit = CliApp.Run(["--version"], output, new StringWriter());

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.StartsWith("vlmforge 0.1.0", text);
        Assert.Contains("TorchSharp 0.107.0", text);
    }

    [Fact]
    public void Help_describes_the_tool()
    {
        var output = new StringWriter();
        int exit = CliApp.Run(["--help"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("fine-tunes vision-language models", output.ToString());
        Assert.Contains("--version", output.ToString());
    }

    [Fact]
    public void Unknown_option_fails_with_an_error()
    {
        var error = new StringWriter();
        int exit = CliApp.Run(["--no-such-option"], new StringWriter(), error);

        Assert.NotEqual(0, exit);
        Assert.Contains("--no-such-option", error.ToString());
    }

    [Fact]
    public void Doctor_trains_a_small_model_from_the_install_folder()
    {
        var output = new StringWriter();
        int exit = CliApp.Run(["doctor"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("training check: AdamW", output.ToString());
        Assert.EndsWith("ok" + Environment.NewLine, output.ToString());
    }
}
