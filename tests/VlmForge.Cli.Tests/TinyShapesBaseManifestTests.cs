using System.Security.Cryptography;
using System.Text.Json;

namespace VlmForge.Cli.Tests;

/// <summary>
/// The committed base the default workflow fine-tunes: every file is the one its manifest hashes, and the manifest says
/// how to make it again (the command, the config with its hash, the seeds, the thread count and the commit).
/// </summary>
public class TinyShapesBaseManifestTests
{
    [Fact]
    public void The_committed_base_is_what_its_manifest_describes()
    {
        var folder = Repository.TinyShapesBase();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var root = manifest.RootElement;

        var files = root.GetProperty("sha256").EnumerateObject().ToList();
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json", "vocab.txt"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(file.Value.GetString(), Sha256(Path.Combine(folder, file.Name)));
        }

        var config = Path.Combine(Repository.Root(), root.GetProperty("config").GetString()!);
        Assert.Equal(root.GetProperty("config_sha256").GetString(), Sha256(config));
        Assert.True(File.Exists(Path.Combine(Repository.Root(), root.GetProperty("command").GetString()!)));
        Assert.Matches("^[0-9a-f]{40}$", root.GetProperty("commit").GetString());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        var pretrain = File.ReadAllText(config);
        Assert.Contains($"\nseed = {root.GetProperty("seed").GetInt32()}\n", pretrain, StringComparison.Ordinal);
        Assert.Contains($"\nsynthetic_seed = {root.GetProperty("data_seed").GetInt32()} ", pretrain, StringComparison.Ordinal);
        Assert.Contains("\nthreads = 1 ", pretrain, StringComparison.Ordinal);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
