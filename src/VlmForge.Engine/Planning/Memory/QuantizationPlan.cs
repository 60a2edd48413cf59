using System.Globalization;

namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// How frozen linear weights of the transformer stacks are stored (<c>model.quantization</c>). The 4-bit formats store
/// what the built-in nf4/fp4 quantizers store, in bitsandbytes' layout: two codes per byte, one float32 absmax per block
/// of 64 weights (4 + 32/64 = 4.5 bits per weight); with double quantization the absmax values are 8-bit codes with one
/// float32 scale per 256 blocks and one offset (4 + 8/64 + 32/(64·256) ≈ 4.127 bits). Each layer also holds its code book.
/// </summary>
/// <param name="Name">The quantizer's name.</param>
/// <param name="FourBit">Whether weights are stored 4-bit (false: in the compute dtype).</param>
/// <param name="DoubleQuantization">Whether the absmax values are quantized too.</param>
/// <param name="BlockSize">Weights per absmax block.</param>
public sealed record QuantizationPlan(string Name, bool FourBit, bool DoubleQuantization, int BlockSize = 64)
{
    /// <summary>Blocks of absmax values per second-level scale with double quantization.</summary>
    public const int NestedBlockSize = 256;

    /// <summary>Entries of the 4-bit code book (float32).</summary>
    public const int CodeBookEntries = 16;

    /// <summary>Entries of the 8-bit code book of double quantization (float32).</summary>
    public const int NestedCodeBookEntries = 256;

    /// <summary>No quantization: frozen weights in the compute dtype.</summary>
    public static QuantizationPlan None { get; } = new("none", false, false);

    /// <summary>NormalFloat4.</summary>
    public static QuantizationPlan Nf4(bool doubleQuantization = false) => new("nf4", true, doubleQuantization);

    /// <summary>The quantizer named <paramref name="name"/>: none, nf4 or fp4 (the built-in quantizers, whose storage is known).</summary>
    /// <exception cref="PlanningException">Another name: the planner cannot know how a third-party quantizer stores weights.</exception>
    public static QuantizationPlan FromName(string name, bool doubleQuantization)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name switch
        {
            "none" => None,
            "nf4" => Nf4(doubleQuantization),
            "fp4" => new("fp4", true, doubleQuantization),
            _ => throw new PlanningException(
                $"model.quantization = \"{name}\": the planner knows how the built-in quantizers store weights (none, nf4, fp4), " +
                "not a third-party one. Plan with quantization = \"nf4\" or \"fp4\" for a 4-bit estimate.", "model.quantization"),
        };
    }

    /// <summary>Bytes one stored weight matrix of <paramref name="elements"/> values takes, code books included.</summary>
    public long StorageBytes(long elements, int computeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elements);
        if (!FourBit)
            return elements * computeBytes;
        long blocks = (elements + BlockSize - 1) / BlockSize;
        long packed = (elements + 1) / 2;
        long codeBook = CodeBookEntries * sizeof(float);
        if (!DoubleQuantization)
            return packed + blocks * sizeof(float) + codeBook;
        long nestedBlocks = (blocks + NestedBlockSize - 1) / NestedBlockSize;
        return packed + blocks + nestedBlocks * sizeof(float) + sizeof(float) + codeBook + NestedCodeBookEntries * sizeof(float);
    }

    /// <summary>Bits per weight of a large matrix (scales included, code books negligible): 4.5, or about 4.127 with double quantization.</summary>
    public double BitsPerWeight(int computeBytes) => !FourBit
        ? computeBytes * 8
        : 4 + (DoubleQuantization ? 8.0 / BlockSize + 32.0 / (BlockSize * NestedBlockSize) : 32.0 / BlockSize);

    /// <summary>For example "NF4, 4.5 bits/weight".</summary>
    public string Describe(int computeBytes) => FourBit
        ? string.Create(CultureInfo.InvariantCulture, $"{Name.ToUpperInvariant()}{(DoubleQuantization ? " + double quantization" : "")}, {BitsPerWeight(computeBytes):0.###} bits/weight")
        : "none";
}
