using VlmForge.Settings.Loading;

namespace VlmForge.Settings.Tests;

internal static class TestConfig
{
    /// <summary>A folder with nothing in it, so dataset and model paths in test configs do not exist.</summary>
    public static string EmptyFolder { get; } = Directory.CreateTempSubdirectory("vlmforge-settings-tests-").FullName;

    public static WorkflowLoadResult Load(string toml, IPluginNames? plugins = null) =>
        WorkflowLoader.LoadText(toml, "vlmforge.toml", plugins, EmptyFolder);

    public static List<string> Messages(string toml, IPluginNames? plugins = null) =>
        Load(toml, plugins).Diagnostics.Select(d => d.ToString()).ToList();

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }
}

internal sealed class FakePlugins(Dictionary<Abstractions.Plugins.PluginKind, string[]> names, IReadOnlyCollection<FamilyProfile>? families = null) : IPluginNames
{
    public IReadOnlyCollection<string> Names(Abstractions.Plugins.PluginKind kind) => names.GetValueOrDefault(kind, []);

    public IReadOnlyCollection<FamilyProfile>? ModelFamilies => families;

    private Dictionary<Abstractions.Plugins.PluginKind, string[]> Names() => names;

    public static FakePlugins BuiltIns { get; } = new(new()
    {
        [Abstractions.Plugins.PluginKind.Optimizer] = ["adamw", "adam"],
        [Abstractions.Plugins.PluginKind.Quantizer] = ["none", "nf4", "fp4"],
        [Abstractions.Plugins.PluginKind.Precision] = ["bf16", "fp16", "fp32"],
        [Abstractions.Plugins.PluginKind.Sampler] = ["standard"],
    });

    /// <summary>The built-in plugins and the test families (<see cref="TestFamilies"/>); declared after <see cref="BuiltIns"/>, which it reads.</summary>
    public static FakePlugins WithFamilies { get; } = new(BuiltIns.Names(), TestFamilies.All);
}

/// <summary>
/// Families as an engine would register them, written here so the settings layer's tests name no real family's values:
/// "scratch" trains from random weights (its own size, CPU defaults, an advice rule, a waived rule), the other two load
/// snapshots with the schema's defaults.
/// </summary>
internal static class TestFamilies
{
    public static FamilyProfile Scratch { get; } = new("scratch")
    {
        LoadsSnapshot = false,
        Summary = "a model trained from scratch",
        ChosenBySize = "tiny",
        Sizes = ["tiny"],
        Defaults =
        [
            new("model.size", "tiny"),
            new("model.training_mode", "full"),
            new("model.quantization", "none"),
            new("training.learning_rate", 0.002),
            new("dataset.image_size", 32L),
        ],
        Advice = [new NoPrecisionRule()],
        WaivedAdvice = new HashSet<string>(["max-new-tokens"], StringComparer.Ordinal),
    };

    public static IReadOnlyList<FamilyProfile> All { get; } = [Scratch, new("qwen2_5_vl"), new("smolvlm")];

    /// <summary>The scratch family's own advice: a precision written out is warned about.</summary>
    internal sealed class NoPrecisionRule : Advice.IAdviceRule
    {
        public string Name => "scratch-precision";

        public string Code => "VLMA9001";

        public void Check(Advice.AdviceContext context, Abstractions.Settings.DiagnosticBag diagnostics)
        {
            if (context.Root.TryGetPath("model.precision", out _))
                context.Warn(diagnostics, this, "model.precision", "the scratch family picks its own precision.");
        }
    }
}
