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

internal sealed class FakePlugins(Dictionary<Abstractions.Plugins.PluginKind, string[]> names) : IPluginNames
{
    public IReadOnlyCollection<string> Names(Abstractions.Plugins.PluginKind kind) => names.GetValueOrDefault(kind, []);

    public static FakePlugins BuiltIns { get; } = new(new()
    {
        [Abstractions.Plugins.PluginKind.Optimizer] = ["adamw", "adam"],
        [Abstractions.Plugins.PluginKind.Quantizer] = ["none", "nf4", "fp4"],
        [Abstractions.Plugins.PluginKind.Precision] = ["bf16", "fp16", "fp32"],
        [Abstractions.Plugins.PluginKind.Sampler] = ["standard"],
    });
}
