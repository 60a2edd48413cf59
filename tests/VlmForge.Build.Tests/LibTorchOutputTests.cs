using static TorchSharp.torch;

namespace VlmForge.Build.Tests;

/// <summary>The build fixed the copy of libLibTorchSharp.so in this output folder, and only that copy.</summary>
public class LibTorchOutputTests
{
    private static readonly string OutputCopy =
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Output_copy_is_already_marked_weak()
    {
        if (!OperatingSystem.IsLinux()) return;
        var bytes = File.ReadAllBytes(OutputCopy);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void NuGet_cache_copy_is_untouched()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cached = Path.Combine(NuGetPackageRoot(), "torchsharp", typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3),
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cached), $"expected the TorchSharp package at {cached}");
        var bytes = File.ReadAllBytes(cached);
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(bytes, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void TorchSharp_loads_and_computes_from_this_output_folder()
    {
        using var a = arange(1, 5, dtype: ScalarType.Float32);
        Assert.Equal(10f, a.sum().item<float>());
    }

    private static string NuGetPackageRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
