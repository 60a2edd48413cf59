using System.Security.Cryptography;
using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

/// <summary>init, check and settings, and the config baked into the binary.</summary>
public class SettingsCommandsTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string TempFolder() => Directory.CreateTempSubdirectory("vlmforge-cli-").FullName;

    [Fact]
    public void Init_writes_a_config_that_check_accepts_and_never_overwrites_without_force()
    {
        var path = Path.Combine(TempFolder(), "vlmforge.toml");

        var init = Run("init", "--task", "vqa", "--out", path);
        Assert.Equal(0, init.Exit);
        Assert.Contains("task = \"vqa\"", File.ReadAllText(path), StringComparison.Ordinal);

        var check = Run("check", "--config", path);
        Assert.Equal(0, check.Exit);
        Assert.Contains(": ok (", check.Output, StringComparison.Ordinal);

        File.WriteAllText(path, "# mine\n");
        var again = Run("init", "--out", path);
        Assert.Equal(1, again.Exit);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal("# mine\n", File.ReadAllText(path));

        Assert.Equal(0, Run("init", "--out", path, "--force").Exit);
        Assert.Contains("task = \"grounding\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_prints_located_errors_and_exits_non_zero()
    {
        var path = Path.Combine(TempFolder(), "bad.toml");
        File.WriteAllText(path, "[training]\nepochs = 0\n");

        var text = Run("check", "--config", path);
        Assert.Equal(1, text.Exit);
        Assert.Contains($"{path}:2:10: error VLMF0105: training.epochs: found 0", text.Error, StringComparison.Ordinal);

        var msbuild = Run("check", "--config", path, "--format", "msbuild");
        Assert.Equal(1, msbuild.Exit);
        Assert.Contains($"{path}(2,10): error VLMF0105: training.epochs:", msbuild.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", "  learning_rate  float  default 1e-4  range (0, 1]")]
    [InlineData("markdown", "| `learning_rate` | float | `1e-4` | (0, 1] |")]
    [InlineData("json-schema", "\"$schema\": \"http://json-schema.org/draft-07/schema#\"")]
    public void Settings_lists_every_setting_in_each_format(string format, string expected)
    {
        var result = Run("settings", "--format", format);

        Assert.Equal(0, result.Exit);
        Assert.Contains(expected, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_sha256_of_the_embedded_config()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repository.Root(), "vlmforge.toml"))));

        var result = Run("--version");

        Assert.Contains($"config vlmforge.toml sha256 {hash}", result.Output, StringComparison.Ordinal);
        Assert.Equal(hash, BuildInfo.EmbeddedConfig!.Sha256);
        Assert.Empty(BuildInfo.EmbeddedConfig.Load(baseDirectory: TempFolder()).Errors);
    }
}
