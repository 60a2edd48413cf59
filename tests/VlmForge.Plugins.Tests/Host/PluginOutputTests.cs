using VlmForge.Engine.Plugins;

namespace VlmForge.Plugins.Tests.Host;

/// <summary>
/// Plugin folders hold only the plugin's own code: TorchSharp, libtorch, SkiaSharp and the contracts come from the host
/// (a second libtorch in the process aborts it; a second copy of the contracts hides the plugin from the host).
/// </summary>
public class PluginOutputTests
{
    private static readonly string[] HostOwned = ["TorchSharp", "libtorch", "LibTorchSharp", "SkiaSharp", "libSkiaSharp", "VlmForge.Abstractions", "Google.Protobuf"];

    public static TheoryData<string> PluginFolders()
    {
        var data = new TheoryData<string>();
        foreach (var root in new[] { PluginCatalog.BuiltInFolder, Path.Combine(AppContext.BaseDirectory, "sample-plugins") })
        {
            foreach (var folder in Directory.GetDirectories(root))
                data.Add(Path.GetRelativePath(AppContext.BaseDirectory, folder));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PluginFolders))]
    public void A_plugin_folder_carries_none_of_the_hosts_assemblies(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, folder), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .ToList();

        Assert.Contains(Path.GetFileName(folder) + ".dll", files);
        var leaked = files.Where(f => HostOwned.Any(h => f!.StartsWith(h, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaked.Count == 0, $"{folder} carries {string.Join(", ", leaked)}");
    }

    [Fact]
    public void Every_built_in_plugin_project_is_copied_into_the_hosts_plugins_folder()
    {
        var folders = Directory.GetDirectories(PluginCatalog.BuiltInFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["VlmForge.Plugins.Optimizers", "VlmForge.Plugins.Precision", "VlmForge.Plugins.Quantizers", "VlmForge.Plugins.Sampling"], folders);
    }
}
