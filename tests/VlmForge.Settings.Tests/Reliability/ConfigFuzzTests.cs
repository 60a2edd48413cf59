using System.Text;
using VlmForge.Abstractions.Settings;
using VlmForge.Settings.Loading;
using VlmForge.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VlmForge.Settings.Tests.Reliability;

/// <summary>
/// Structure-aware fuzzing of the config loader `check`, `train` and the build use: mutated real configs, deep nesting,
/// headers of thousands of parts, huge keys, NUL and control characters, FIFOs, devices and folders as paths. Every
/// case must end in a result whose every error is located (file:line:col, or the file for an unreadable one).
/// </summary>
[Trait("Category", FuzzHarness.Trait)]
public sealed class ConfigFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] PathKeys = ["dataset.path", "dataset.validation_path", "model.path", "run.output"];

    [Fact]
    public void Mutated_configs_never_crash_or_hang_and_every_error_is_located()
    {
        var seeds = SeedConfigs();
        var report = FuzzHarness.Run("config", FuzzHarness.Cases(2500), seed: 1200, random => Generate(random, seeds));

        output.WriteLine(report.ToString());
        Assert.True(report.Clean, report.ToString());
    }

    private static List<string> SeedConfigs()
    {
        var root = TestConfig.RepoRoot();
        return
        [
            File.ReadAllText(Path.Combine(root, "vlmforge.toml")),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configs", "user.toml")),
            Documentation.ConfigTemplate.Write(Documentation.TemplateTask.Grounding),
        ];
    }

    private static FuzzCase Generate(Random random, List<string> seeds)
    {
        var text = seeds[random.Next(seeds.Count)];
        string description;
        switch (random.Next(9))
        {
            case 0:
            {
                int depth = 1 + random.Next(200);
                text += $"\n[training]\nbetas = {new string('[', depth)}0.9{new string(']', depth)}\n";
                description = $"an array nested {depth} deep";
                break;
            }
            case 1:
            {
                int depth = 1 + random.Next(200);
                text += $"\n[plugins.deep]\nx = {string.Concat(Enumerable.Repeat("{ a = ", depth))}1{new string('}', depth)}\n";
                description = $"inline tables nested {depth} deep";
                break;
            }
            case 2:
            {
                int parts = (int)Math.Pow(15_000, random.NextDouble());
                text += $"\n[{string.Join('.', Enumerable.Repeat(random.Next(2) == 0 ? "a" : "plugins", parts))}]\nk = 1\n";
                description = $"a table header of {parts} parts";
                break;
            }
            case 3:
            {
                int length = (int)Math.Pow(2_500_000, random.NextDouble());
                text += $"\n[training]\n{new string('k', length)} = 1\n";
                description = $"a key of {length} characters";
                break;
            }
            case 4:
            {
                var key = FuzzText.Pick(random, PathKeys);
                var nasty = FuzzText.Pick(random, FuzzText.Nasty);
                text = SetValue(text, key, $"data{nasty}x");
                description = $"{key} holding U+{(int)nasty[0]:X4}";
                break;
            }
            case 5:
            {
                var key = FuzzText.Pick(random, PathKeys);
                var special = FuzzText.Pick(random, SpecialFiles.All);
                text = SetValue(text, key, special);
                description = $"{key} = {special}";
                break;
            }
            case 6:
            {
                int dotted = (int)Math.Pow(3_000, random.NextDouble());
                text += $"\n[plugins.x]\n{string.Join('.', Enumerable.Repeat("k", dotted))} = [{{ a = {{ b = [1] }} }}]\n";
                description = $"a dotted key of {dotted} parts holding nested values";
                break;
            }
            default:
            {
                int mutations = 1 + random.Next(8);
                for (int i = 0; i < mutations; i++) text = FuzzText.Mutate(random, text);
                description = $"{mutations} random edits";
                break;
            }
        }
        return new FuzzCase(description, () => Check(WorkflowLoader.LoadText(text, "vlmforge.toml", FakePlugins.BuiltIns, SpecialFiles.Root)));
    }

    /// <summary>Null when every error names its place; otherwise the first one that does not.</summary>
    internal static string? Check(WorkflowLoadResult result)
    {
        foreach (var error in result.Errors)
        {
            if (error.Location.Line <= 0 && error.Code != ConfigErrorCodes.FileNotFound)
                return $"an error without a line: {Shorten(error.ToString())}";
            if (error.Message.Length > 2_000)
                return $"an error message of {error.Message.Length} characters: {Shorten(error.ToString())}";
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    /// <summary><paramref name="text"/> with <paramref name="key"/> (section.name) set to the string <paramref name="value"/>.</summary>
    private static string SetValue(string text, string key, string value)
    {
        var (section, name) = (key[..key.IndexOf('.')], key[(key.IndexOf('.') + 1)..]);
        var escaped = new StringBuilder();
        foreach (var c in value)
            escaped.Append(c is '"' or '\\' || char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        var lines = text.Split('\n').Where(l => !l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal) && !l.TrimStart().StartsWith(name + "=", StringComparison.Ordinal)).ToList();
        int header = lines.FindIndex(l => l.Trim() == $"[{section}]");
        var line = $"{name} = \"{escaped}\"";
        if (header < 0) lines.AddRange([$"[{section}]", line]);
        else lines.Insert(header + 1, line);
        return string.Join('\n', lines);
    }
}
