using System.Text.RegularExpressions;
using VlmForge.Engine.Runtime;

namespace VlmForge.Cli.Tests;

/// <summary>Device-aware precision: doctor measures and recommends; check warns from the cached measurement.</summary>
public sealed class PrecisionAdviceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-precision-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_precision_much_slower_than_the_fastest_gets_a_warning_with_the_factor_and_what_to_set()
    {
        var speed = new PrecisionSpeed(new Dictionary<string, double> { ["fp32"] = 10, ["bf16"] = 0.4, ["fp16"] = 8 }, 2, "Test CPU");

        Assert.Equal("fp32", speed.Fastest);
        string warning = speed.Warning("bf16")!;
        Assert.Contains("25.0x slower than \"fp32\"", warning, StringComparison.Ordinal);
        Assert.Contains("set precision = \"fp32\"", warning, StringComparison.Ordinal);
        Assert.Null(speed.Warning("fp16")); // 1.25x: not worth a warning
        Assert.Null(speed.Warning("fp32"));
    }

    [Fact]
    public void Doctor_measures_every_precision_and_says_which_to_train_in()
    {
        var output = new StringWriter();
        Assert.Equal(0, CliApp.Run(["doctor"], output, new StringWriter()));
        var text = output.ToString();
        foreach (var precision in new[] { "fp32", "bf16", "fp16" })
            Assert.Matches(new Regex(precision + @" \d+\.\d GFLOP/s"), text);
        Assert.Matches(new Regex("precision: train in \"(fp32|bf16|fp16)\" on this CPU"), text);
    }

    [Fact]
    public void Check_warns_exactly_when_the_cached_measurement_finds_the_configs_precision_slow()
    {
        string config = Path.Combine(_dir, "vlmforge.toml");
        string toml = Repository.DefaultWorkflow(Path.Combine(_dir, "data"));
        foreach (var precision in new[] { "fp32", "bf16", "fp16" })
        {
            File.WriteAllText(config, TomlEdit.Set(toml, "precision", $"\"{precision}\""));
            var output = new StringWriter();
            CliApp.Run(["check", "--config", config], output, new StringWriter());
            bool slow = PrecisionSpeed.Cached().Warning(precision) is not null;
            Assert.Equal(slow, output.ToString().Contains($"model.precision = \"{precision}\" trains", StringComparison.Ordinal));
        }
    }
}
