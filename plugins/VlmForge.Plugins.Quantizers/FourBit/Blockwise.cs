using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// Blockwise absmax quantization as bitsandbytes' kernels do it: the flattened tensor is cut into blocks, each block
/// is multiplied by the float32 reciprocal of its largest magnitude and every value is encoded on its own.
/// A block of zeros gets absmax 0 and codes for 0 (the kernel would divide by zero; the values are 0 either way).
/// </summary>
internal static class Blockwise
{
    /// <summary>Block absmax values (float32, [blocks]) and the codes (int64, [blocks · blockSize], padded with zeros' codes).</summary>
    public static (Tensor Absmax, Tensor Codes) Quantize(Tensor flat, int blockSize, Func<Tensor, Tensor> encode)
    {
        using var scope = NewDisposeScope();
        var n = flat.numel();
        var blocks = (n + blockSize - 1) / blockSize;
        var padded = blocks * blockSize == n ? flat : nn.functional.pad(flat, [0, blocks * blockSize - n]);
        var grid = padded.view(blocks, blockSize);
        var absmax = grid.abs().amax([1]);
        var inverse = where(absmax.gt(0), absmax.reciprocal(), zeros_like(absmax));
        var codes = encode(grid * inverse.unsqueeze(1)).flatten();
        return (absmax.MoveToOuterDisposeScope(), codes.MoveToOuterDisposeScope());
    }

    /// <summary><c>codeBook[code] · absmax[block]</c> in float32, the first <paramref name="count"/> values.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor absmax, Tensor codeBook, int blockSize, long count)
    {
        using var scope = NewDisposeScope();
        var blocks = absmax.numel();
        var padded = codes.numel() == blocks * blockSize ? codes : nn.functional.pad(codes, [0, blocks * blockSize - codes.numel()]);
        var values = codeBook.take(padded).view(blocks, blockSize) * absmax.to(ScalarType.Float32).unsqueeze(1);
        return values.flatten().narrow(0, 0, count).MoveToOuterDisposeScope();
    }

    /// <summary>Two codes per byte, the first in the high nibble: <c>byte = code[2i] &lt;&lt; 4 | code[2i+1]</c>; shape [(n+1)/2, 1].</summary>
    public static Tensor Pack(Tensor codes, long count)
    {
        using var scope = NewDisposeScope();
        var pairs = (count + 1) / 2;
        var even = codes.narrow(0, 0, pairs * 2).view(pairs, 2);
        var packed = (even.select(1, 0) * 16 + even.select(1, 1)).to(ScalarType.Byte).view(pairs, 1);
        return packed.MoveToOuterDisposeScope();
    }

    /// <summary>The codes (int64) from packed bytes, high nibble first; 2 · bytes of them.</summary>
    public static Tensor Unpack(Tensor packed)
    {
        using var scope = NewDisposeScope();
        var bytes = packed.flatten().to(ScalarType.Int64);
        var high = bytes.floor_divide(16);
        var low = bytes.remainder(16);
        return stack([high, low], 1).flatten().MoveToOuterDisposeScope();
    }
}
