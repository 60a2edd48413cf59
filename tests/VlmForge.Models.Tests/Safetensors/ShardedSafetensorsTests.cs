using System.Text.Json;
using TorchSharp;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Safetensors;

public class ShardedSafetensorsTests
{
    [Fact]
    public void A_checkpoint_larger_than_the_shard_limit_is_split_and_reads_back()
    {
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        var tensors = Tensors();

        // 40 + 24 + 8 + 40 bytes with a 64-byte limit: [a, b] 64, [c] 8 then d would make 48 -> [c, d] 48.
        var written = SafetensorsWriter.WriteCheckpoint(folder.Path, tensors, maxShardBytes: 64);

        Assert.Equal(
            ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"],
            written.Select(Path.GetFileName));
        using var index = JsonDocument.Parse(File.ReadAllText(folder.File(SafetensorsWriter.IndexFileName)));
        Assert.Equal(112, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToList();
        Assert.Equal(
            [("a", "model-00001-of-00002.safetensors"), ("b", "model-00001-of-00002.safetensors"),
             ("c", "model-00002-of-00002.safetensors"), ("d", "model-00002-of-00002.safetensors")],
            map);

        using var source = SafetensorsCheckpoint.Open(folder.Path);
        Assert.IsType<ShardedSafetensors>(source);
        Assert.Equal(["a", "b", "c", "d"], source.Names);
        foreach (var (name, expected) in tensors)
        {
            using var read = source.Read(name);
            Assert.True(read.equal(expected).all().item<bool>(), name);
        }
    }

    [Fact]
    public void A_checkpoint_that_fits_one_shard_is_a_single_file()
    {
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        var written = SafetensorsWriter.WriteCheckpoint(folder.Path, Tensors(), maxShardBytes: 1 << 20);
        Assert.Equal([SafetensorsWriter.SingleFileName], written.Select(Path.GetFileName));
        using var source = SafetensorsCheckpoint.Open(folder.Path);
        Assert.IsType<SafetensorsFile>(source);
        Assert.Equal(4, source.Names.Count);
    }

    [Fact]
    public void An_index_that_lists_a_missing_shard_is_refused()
    {
        using var folder = new TempDirectory();
        WriteSharded(folder);
        File.Delete(folder.File("model-00002-of-00002.safetensors"));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Contains("the shard 'model-00002-of-00002.safetensors' it lists does not exist", error.Message);
    }

    [Fact]
    public void An_index_that_places_a_tensor_in_the_wrong_shard_is_refused()
    {
        using var folder = new TempDirectory();
        WriteSharded(folder);
        RewriteIndex(folder, map => map["c"] = "model-00001-of-00002.safetensors");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Equal("c", error.TensorName);
        Assert.Contains("model-00001-of-00002.safetensors', which does not contain it", error.Message);
    }

    [Fact]
    public void A_shard_tensor_the_index_does_not_list_is_refused()
    {
        using var folder = new TempDirectory();
        WriteSharded(folder);
        RewriteIndex(folder, map => map.Remove("d"));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Equal("d", error.TensorName);
        Assert.Contains("the index does not list it", error.Message);
    }

    [Fact]
    public void Shard_names_that_leave_the_folder_are_refused()
    {
        using var folder = new TempDirectory();
        WriteSharded(folder);
        RewriteIndex(folder, map => map["a"] = "../model-00001-of-00002.safetensors");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(folder.Path));
        Assert.Contains("must be a plain file name beside the index", error.Message);
    }

    private static Dictionary<string, Tensor> Tensors() => new()
    {
        ["a"] = arange(10, ScalarType.Float32),
        ["b"] = arange(3, ScalarType.Int64),
        ["c"] = ones(4, ScalarType.BFloat16),
        ["d"] = arange(10, ScalarType.Int32),
    };

    private static void WriteSharded(TempDirectory folder)
    {
        using var scope = NewDisposeScope();
        SafetensorsWriter.WriteCheckpoint(folder.Path, Tensors(), maxShardBytes: 64);
    }

    private static void RewriteIndex(TempDirectory folder, Action<Dictionary<string, string>> change)
    {
        var path = folder.File(SafetensorsWriter.IndexFileName);
        using var index = JsonDocument.Parse(File.ReadAllText(path));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        change(map);
        File.WriteAllText(path, JsonSerializer.Serialize(new { metadata = new { total_size = 112 }, weight_map = map }));
    }
}
