using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// Raw byte access to contiguous CPU tensors. TorchSharp exposes a tensor's memory as a <see cref="Span{T}"/> of at
/// most int.MaxValue bytes, so large tensors are handled in element-aligned chunks.
/// </summary>
internal static unsafe class TensorBytes
{
    /// <summary>Bytes per span: well under int.MaxValue and element-aligned for every dtype.</summary>
    public const long DefaultChunkBytes = 1L << 30;

    /// <summary>Copies the bytes at <paramref name="source"/> into the storage of <paramref name="target"/> (all of it).</summary>
    public static void CopyInto(Tensor target, byte* source, long chunkBytes = DefaultChunkBytes)
    {
        if (target.numel() == 0)
        {
            return;
        }
        ForEachChunk(target, chunkBytes, (chunk, offset) =>
        {
            var destination = chunk.bytes;
            new ReadOnlySpan<byte>(source + offset, destination.Length).CopyTo(destination);
        });
    }

    /// <summary>Writes the bytes of <paramref name="tensor"/> (contiguous, on the CPU) to <paramref name="stream"/>.</summary>
    public static void WriteTo(Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes)
    {
        if (tensor.numel() == 0)
        {
            return;
        }
        ForEachChunk(tensor, chunkBytes, (chunk, _) => stream.Write(chunk.bytes));
    }

    private static void ForEachChunk(Tensor tensor, long chunkBytes, Action<Tensor, long> action)
    {
        if (!tensor.is_contiguous() || tensor.device_type != DeviceType.CPU)
        {
            throw new ArgumentException("Raw byte access needs a contiguous CPU tensor.", nameof(tensor));
        }
        using var scope = NewDisposeScope();
        var flat = tensor.reshape(-1);
        var elementSize = Inspection.ParameterTable.ElementSize(tensor.dtype);
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        var count = flat.shape[0];
        for (long start = 0; start < count; start += perChunk)
        {
            using var chunk = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(chunk, start * elementSize);
        }
    }
}
