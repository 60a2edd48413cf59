using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// Blockwise absmax quantization as bitsandbytes' kernels do it: the flattened tensor is cut into blocks, each block
/// is multiplied by the float32 reciprocal of its largest magnitude and every value is encoded on its own.
/// A block of zeros gets absmax 0 and codes for 0 (the kernel would divide by zero; the values are 0 either way).
/// </summary>
internal static class Blockwise
{
    /// <summary>Block absmax values (float32, [blocks]) and the codes (uint8, [blocks · blockSize], padded with zeros' codes).</summary>
    public static (Tensor Absmax, Tensor Codes) Quantize(Tensor flat, int blockSize, Func<Tensor, Tensor> encode)
    {
        using var scope = NewDisposeScope();
        var n = flat.numel();
        var blocks = (n + blockSize - 1) / blockSize;
        // A copy the scaling can overwrite: the caller's tensor stays as it was.
        var padded = blocks * blockSize == n ? flat.clone() : nn.functional.pad(flat, [0, blocks * blockSize - n]);
        var grid = padded.view(blocks, blockSize);
        var absmax = grid.abs().amax([1]);
        var inverse = where(absmax.gt(0), absmax.reciprocal(), zeros_like(absmax));
        var codes = encode(grid.mul_(inverse.unsqueeze(1))).flatten().to(ScalarType.Byte);
        return (absmax.MoveToOuterDisposeScope(), codes.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <c>codeBook[code] · absmax[block]</c> in float32 for the first <paramref name="count"/> values, from codes packed
    /// two per byte (<see cref="Pack"/>). A table of all 256 byte values' pairs turns each byte into its two code values
    /// with one lookup.
    /// </summary>
    public static Tensor DequantizePacked(Tensor packed, Tensor absmax, Tensor codeBook, int blockSize, long count)
    {
        using var scope = NewDisposeScope();
        var codes = arange(256, ScalarType.Int32, packed.device);
        var pairTable = stack([codeBook.index_select(0, codes.floor_divide(16)), codeBook.index_select(0, codes.remainder(16))], 1);
        var values = pairTable.index_select(0, packed.flatten().to(ScalarType.Int32)).flatten();
        return Scale(values, absmax, blockSize, count).MoveToOuterDisposeScope();
    }

    /// <summary><c>codeBook[code] · absmax[block]</c> in float32 for one code per byte, the first <paramref name="count"/> values.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor absmax, Tensor codeBook, int blockSize, long count)
    {
        using var scope = NewDisposeScope();
        var values = codeBook.index_select(0, codes.flatten().to(ScalarType.Int32));
        return Scale(values, absmax, blockSize, count).MoveToOuterDisposeScope();
    }

    // values (a fresh tensor, scaled in place: allocating another weight-sized buffer costs more than the multiply)
    // holds at most blocks · blockSize entries (the last block may be short); it is padded to whole blocks.
    private static Tensor Scale(Tensor values, Tensor absmax, int blockSize, long count)
    {
        var whole = absmax.numel() * blockSize;
        var padded = values.numel() == whole ? values : nn.functional.pad(values, [0, whole - values.numel()]);
        return padded.view(absmax.numel(), blockSize).mul_(absmax.to(ScalarType.Float32).unsqueeze(1)).flatten().narrow(0, 0, count);
    }

    /// <summary>Two codes per byte, the first in the high nibble: <c>byte = code[2i] &lt;&lt; 4 | code[2i+1]</c>; shape [(n+1)/2, 1].</summary>
    public static Tensor Pack(Tensor codes, long count)
    {
        using var scope = NewDisposeScope();
        var pairs = (count + 1) / 2;
        var even = codes.narrow(0, 0, pairs * 2).view(pairs, 2);
        var packed = even.select(1, 0).mul(16).add_(even.select(1, 1)).view(pairs, 1); // uint8: at most 15·16 + 15
        return packed.MoveToOuterDisposeScope();
    }
}
