namespace VlmForge.Models.Safetensors;

/// <summary>One tensor's header entry: where its bytes are in the data section and how to read them.</summary>
/// <param name="Name">Tensor name (state_dict key).</param>
/// <param name="Dtype">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
public sealed record TensorEntry(string Name, SafetensorsDtype Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>Elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes of data.</summary>
    public long ByteCount => End - Begin;
}
