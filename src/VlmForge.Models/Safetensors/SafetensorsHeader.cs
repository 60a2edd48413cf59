using System.Globalization;
using System.Text.Json;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// The parsed and validated JSON header of a safetensors file: tensor entries in data order and the
/// <c>__metadata__</c> string map. Validation follows the reference crate (offsets must tile the data section exactly,
/// each tensor's byte count must equal its shape times its element size) and rejects what it would silently accept
/// (duplicate names).
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Largest header the format allows (the Rust crate's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Most dimensions a tensor may have (libtorch's own limit is 64).</summary>
    public const int MaxDimensions = 64;

    /// <summary>The key of the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly Dictionary<string, TensorEntry> byName;

    private SafetensorsHeader(IReadOnlyList<TensorEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
        byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Tensors ordered by their position in the data section.</summary>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes the tensors occupy (the data section's required length).</summary>
    public long DataLength => Entries.Count == 0 ? 0 : Entries[^1].End;

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public TensorEntry? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>Parses and validates <paramref name="json"/> against a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <param name="json">The header bytes (UTF-8 JSON, possibly followed by space padding).</param>
    /// <param name="dataLength">Bytes after the header in the file.</param>
    /// <param name="file">The file, for messages.</param>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength, string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        // JsonDocument checks UTF-8 only when a string is decoded; check it all up front so no lookup can fail later.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw new SafetensorsFormatException(file, null, "the header is not valid UTF-8 JSON (it holds bytes that are not UTF-8)");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException error)
        {
            throw new SafetensorsFormatException(file, null, $"the header is not valid UTF-8 JSON ({error.Message})", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(file, null, $"the header must be a JSON object, found {Describe(root.ValueKind)}");
            }

            var entries = new List<TensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new SafetensorsFormatException(file, property.Name, "the name appears twice in the header");
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, file);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, file));
                }
            }

            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckLayout(entries, dataLength, file);
            return new SafetensorsHeader(entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(file, null, $"__metadata__ must be an object of strings, found {Describe(value.ValueKind)}");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(
                    file, null, $"__metadata__ value of '{item.Name}' must be a string, found {Describe(item.Value.ValueKind)}");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafetensorsFormatException(file, null, $"__metadata__ has the key '{item.Name}' twice");
            }
        }
    }

    private static TensorEntry ReadEntry(string name, JsonElement value, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(file, name, $"the entry must be an object with dtype, shape and data_offsets, found {Describe(value.ValueKind)}");
        }

        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw new SafetensorsFormatException(file, name, "\"dtype\" is missing or not a string");
        }
        var dtypeText = dtypeValue.GetString()!;
        if (!SafetensorsDtypes.TryParse(dtypeText, out var dtype))
        {
            throw new SafetensorsFormatException(
                file, name,
                $"unknown dtype \"{dtypeText}\" (known: {string.Join(", ", Enum.GetNames<SafetensorsDtype>())})");
        }

        if (!value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsFormatException(file, name, "\"shape\" is missing or not an array");
        }
        var shape = new long[shapeValue.GetArrayLength()];
        var index = 0;
        foreach (var dimension in shapeValue.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var size) || size < 0)
            {
                throw new SafetensorsFormatException(file, name, $"shape[{index}] = {dimension.GetRawText()} is not a non-negative integer");
            }
            shape[index++] = size;
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsValue) || offsetsValue.ValueKind != JsonValueKind.Array
            || offsetsValue.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(file, name, "\"data_offsets\" is missing or not a [begin, end] pair");
        }
        var begin = Offset(offsetsValue[0], "begin");
        var end = Offset(offsetsValue[1], "end");
        if (end < begin)
        {
            throw new SafetensorsFormatException(file, name, $"data_offsets [{begin}, {end}] end before they begin");
        }

        if (shape.Length > MaxDimensions)
        {
            throw new SafetensorsFormatException(file, name, $"shape has {shape.Length} dimensions; at most {MaxDimensions} are supported");
        }
        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (a, b) => a * b) * dtype.Size());
            // Strides multiply every dimension but the first, zeros or not ([0, 2^62, 2^62] holds no bytes, yet its
            // stride overflows): the shape with zeros counted as ones must be addressable too.
            _ = checked(shape.Aggregate(1L, (a, b) => a * Math.Max(b, 1)) * dtype.Size());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(
                file, name, $"shape [{string.Join(", ", shape)}] is too large to address (its byte size or strides overflow 64 bits)");
        }
        if (end - begin != expectedBytes)
        {
            throw new SafetensorsFormatException(
                file, name,
                string.Create(CultureInfo.InvariantCulture,
                    $"data_offsets [{begin}, {end}] hold {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {expectedBytes}"));
        }
        return new TensorEntry(name, dtype, shape, begin, end);

        long Offset(JsonElement element, string which)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var offset) || offset < 0)
            {
                throw new SafetensorsFormatException(file, name, $"data_offsets {which} = {element.GetRawText()} is not a non-negative integer");
            }
            return offset;
        }
    }

    /// <summary>The tensors must tile [0, dataLength) exactly: no gap, no overlap, nothing past the end, nothing left over.</summary>
    private static void CheckLayout(List<TensorEntry> entries, long dataLength, string file)
    {
        long expectedBegin = 0;
        TensorEntry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin > expectedBegin)
            {
                throw new SafetensorsFormatException(
                    file, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] leave a gap of {entry.Begin - expectedBegin} bytes after " +
                    (previous is null ? "the start of the data section" : $"'{previous.Name}' (which ends at {expectedBegin})"));
            }
            if (entry.Begin < expectedBegin)
            {
                throw new SafetensorsFormatException(
                    file, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] overlap '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            }
            if (entry.End > dataLength)
            {
                throw new SafetensorsFormatException(
                    file, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] run past the end of the data section ({dataLength} bytes): the file is truncated");
            }
            expectedBegin = entry.End;
            previous = entry;
        }
        if (expectedBegin != dataLength)
        {
            throw new SafetensorsFormatException(
                file, null,
                $"the tensors cover {expectedBegin} bytes but the data section holds {dataLength}: {dataLength - expectedBegin} bytes belong to no tensor");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
