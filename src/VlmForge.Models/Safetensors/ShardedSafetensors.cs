using System.Text.Json;
using static TorchSharp.torch;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// A checkpoint split over several safetensors files listed by <c>model.safetensors.index.json</c>. On open, every
/// shard is validated and the index must agree with the shards exactly: each listed tensor is in its shard, and each
/// shard holds only tensors the index assigns to it.
/// </summary>
public sealed class ShardedSafetensors : ITensorSource
{
    private readonly Dictionary<string, SafetensorsFile> shardOf;
    private readonly List<SafetensorsFile> shards;

    private ShardedSafetensors(string indexPath, Dictionary<string, SafetensorsFile> shardOf, List<SafetensorsFile> shards, IReadOnlyDictionary<string, string> indexMetadata)
    {
        IndexPath = indexPath;
        this.shardOf = shardOf;
        this.shards = shards;
        IndexMetadata = indexMetadata;
        Names = [.. shardOf.Keys.Order(StringComparer.Ordinal)];
        Metadata = shards.Count == 0 ? new Dictionary<string, string>() : shards[0].Metadata;
    }

    /// <summary>The index file.</summary>
    public string IndexPath { get; }

    /// <summary>The index's own <c>metadata</c> object, values as their JSON text when not strings (for example total_size).</summary>
    public IReadOnlyDictionary<string, string> IndexMetadata { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Names { get; }

    /// <summary>The first shard's <c>__metadata__</c> (Hugging Face writes the same map into every shard).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens the index and every shard it names, validating all of them.</summary>
    public static ShardedSafetensors Open(string indexPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var info = new FileInfo(indexPath);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The sharded checkpoint index {indexPath} does not exist.", indexPath);
        }
        if (info.Length > SafetensorsHeader.MaxHeaderBytes)
        {
            throw new SafetensorsFormatException(indexPath, null, $"the index is {info.Length} bytes, more than {SafetensorsHeader.MaxHeaderBytes}");
        }

        var (weightMap, indexMetadata) = ReadIndex(indexPath);
        var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var shardOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var file in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(directory, file);
                if (!File.Exists(shardPath))
                {
                    throw new SafetensorsFormatException(indexPath, null, $"the shard '{file}' it lists does not exist in {directory}");
                }
                opened[file] = SafetensorsFile.Open(shardPath);
            }
            foreach (var (name, file) in weightMap)
            {
                var shard = opened[file];
                if (shard.Header.Find(name) is null)
                {
                    throw new SafetensorsFormatException(indexPath, name, $"the index places it in '{file}', which does not contain it");
                }
                shardOf[name] = shard;
            }
            foreach (var (file, shard) in opened)
            {
                var stray = shard.Names.FirstOrDefault(n => !weightMap.TryGetValue(n, out var listed) || listed != file);
                if (stray is not null)
                {
                    throw new SafetensorsFormatException(
                        shard.Path, stray,
                        weightMap.TryGetValue(stray, out var other)
                            ? $"the index places it in '{other}', not in this shard"
                            : "the index does not list it");
                }
            }
            return new ShardedSafetensors(indexPath, shardOf, [.. opened.Values], indexMetadata);
        }
        catch
        {
            foreach (var shard in opened.Values)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    /// <inheritdoc />
    public TensorEntry GetEntry(string name) => Shard(name).GetEntry(name);

    /// <inheritdoc />
    public Tensor Read(string name) => Shard(name).Read(name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var shard in shards)
        {
            shard.Dispose();
        }
    }

    private SafetensorsFile Shard(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return shardOf.TryGetValue(name, out var shard)
            ? shard
            : throw new KeyNotFoundException($"{IndexPath} lists no tensor named '{name}'.");
    }

    private static (Dictionary<string, string> WeightMap, Dictionary<string, string> Metadata) ReadIndex(string indexPath)
    {
        var bytes = File.ReadAllBytes(indexPath);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new SafetensorsFormatException(indexPath, null, "the index is not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException error)
        {
            throw new SafetensorsFormatException(indexPath, null, $"the index is not valid JSON ({error.Message})", error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(indexPath, null, "the index must be an object with a \"weight_map\" object");
            }
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw new SafetensorsFormatException(indexPath, entry.Name, "its weight_map value is not a file name string");
                }
                var file = entry.Value.GetString()!;
                if (file.Length == 0 || Path.IsPathRooted(file) || file.Contains('/', StringComparison.Ordinal)
                    || file.Contains('\\', StringComparison.Ordinal) || file is "." or "..")
                {
                    throw new SafetensorsFormatException(indexPath, entry.Name, $"the shard name '{file}' must be a plain file name beside the index");
                }
                if (!weightMap.TryAdd(entry.Name, file))
                {
                    throw new SafetensorsFormatException(indexPath, entry.Name, "it is listed twice in weight_map");
                }
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                foreach (var item in meta.EnumerateObject())
                {
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
                }
            }
            return (weightMap, metadata);
        }
    }
}
