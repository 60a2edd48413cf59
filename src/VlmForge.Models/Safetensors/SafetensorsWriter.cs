using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using VlmForge.Abstractions.IO;
using static TorchSharp.torch;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// Writes safetensors files byte-for-byte like the Rust crate: tensors sorted by descending alignment then name, header
/// padded with spaces to a multiple of 8, <c>__metadata__</c> first with sorted keys. Files appear atomically.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The index file of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>The single-file checkpoint name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> (replaced atomically).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var (headerBytes, entries) = Prepare(tensors, metadata);
        DurableFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var entry in entries)
            {
                using var scope = NewDisposeScope();
                TensorBytes.WriteTo(tensors[entry.Name].detach().cpu().contiguous(), stream);
            }
        });
    }

    /// <summary>The exact bytes <see cref="Write"/> would put in a file.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var (headerBytes, entries) = Prepare(tensors, metadata);
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        foreach (var entry in entries)
        {
            using var scope = NewDisposeScope();
            TensorBytes.WriteTo(tensors[entry.Name].detach().cpu().contiguous(), stream);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Writes a checkpoint folder the way Hugging Face does: one <c>model.safetensors</c> when everything fits in
    /// <paramref name="maxShardBytes"/>, otherwise <c>model-0000i-of-0000n.safetensors</c> shards (tensors in name order,
    /// a new shard when the next tensor would overflow) plus <c>model.safetensors.index.json</c>, written last.
    /// </summary>
    /// <returns>The files written, index last.</returns>
    public static IReadOnlyList<string> WriteCheckpoint(
        string directory, IReadOnlyDictionary<string, Tensor> tensors, long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        Directory.CreateDirectory(directory);

        var shards = new List<List<string>> { new() };
        long current = 0;
        long total = 0;
        foreach (var name in tensors.Keys.Order(Utf8Order.Instance))
        {
            var bytes = Bytes(tensors[name]);
            total += bytes;
            if (current > 0 && current + bytes > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(name);
            current += bytes;
        }

        if (shards.Count == 1)
        {
            var single = Path.Combine(directory, SingleFileName);
            Write(single, tensors, metadata);
            return [single];
        }

        var written = new List<string>();
        var weightMap = new SortedDictionary<string, string>(Utf8Order.Instance);
        for (var i = 0; i < shards.Count; i++)
        {
            var fileName = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            var part = shards[i].ToDictionary(n => n, n => tensors[n], StringComparer.Ordinal);
            var file = Path.Combine(directory, fileName);
            Write(file, part, metadata);
            written.Add(file);
            foreach (var name in shards[i])
            {
                weightMap[name] = fileName;
            }
        }

        var index = Path.Combine(directory, IndexFileName);
        DurableFile.Write(index, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", total);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap)
            {
                json.WriteString(name, file);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        });
        written.Add(index);
        return written;
    }

    private static (byte[] Header, IReadOnlyList<TensorEntry> Entries) Prepare(
        IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        if (tensors.ContainsKey(SafetensorsHeader.MetadataKey))
        {
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
        }
        var ordered = tensors
            .Select(pair => (Name: pair.Key, Dtype: SafetensorsDtypes.FromScalarType(pair.Value.dtype), Tensor: pair.Value))
            .OrderByDescending(t => t.Dtype)
            .ThenBy(t => t.Name, Utf8Order.Instance)
            .ToList();
        var entries = new List<TensorEntry>(ordered.Count);
        long offset = 0;
        foreach (var (name, dtype, tensor) in ordered)
        {
            var bytes = tensor.numel() * dtype.Size();
            entries.Add(new TensorEntry(name, dtype, tensor.shape, offset, offset + bytes));
            offset += bytes;
        }
        var sortedMetadata = (metadata ?? new Dictionary<string, string>())
            .OrderBy(pair => pair.Key, Utf8Order.Instance)
            .ToList();
        var json = HeaderJson.Serialize(sortedMetadata, entries);
        var padded = new byte[(json.Length + 7) / 8 * 8];
        json.CopyTo(padded, 0);
        padded.AsSpan(json.Length).Fill((byte)' ');
        return (padded, entries);
    }

    private static long Bytes(Tensor tensor) => tensor.numel() * SafetensorsDtypes.FromScalarType(tensor.dtype).Size();
}
