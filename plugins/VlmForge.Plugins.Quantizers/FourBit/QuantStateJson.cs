using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>
/// The non-tensor part of bitsandbytes' <c>QuantState.as_dict(packed=True)</c>: Python's <c>json.dumps</c> of
/// quant_type, blocksize, dtype, shape (and the nested_* values), stored as a uint8 tensor under
/// <c>quant_state.bitsandbytes__&lt;quant_type&gt;</c>. Written byte for byte as Python would.
/// </summary>
internal static class QuantStateJson
{
    public static Tensor Pack(string quantType, int blockSize, ScalarType dtype, long[] shape, NestedState? nested)
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"quant_type\": \"{quantType}\", \"blocksize\": {blockSize}, \"dtype\": \"{DtypeName(dtype)}\", ");
        json.Append("\"shape\": [").Append(string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))).Append(']');
        if (nested is { } n)
        {
            json.Append(CultureInfo.InvariantCulture, $", \"nested_blocksize\": {n.BlockSize}, \"nested_dtype\": \"float32\", \"nested_offset\": {PythonFloat(n.Offset)}");
        }
        json.Append('}');
        return tensor(Encoding.UTF8.GetBytes(json.ToString()), ScalarType.Byte);
    }

    /// <summary><c>str(torch.dtype).strip("torch.")</c>.</summary>
    public static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Only floating-point weights are quantized."),
    };

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, <c>1.0</c> not <c>1</c>, <c>1e-05</c> not <c>1E-05</c>.</summary>
    public static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
            return "NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "Infinity" : "-Infinity";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = text.IndexOf('E', StringComparison.Ordinal);
        if (exponent >= 0)
        {
            var mantissa = text[..exponent];
            var power = int.Parse(text[(exponent + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            // Python switches to exponent form below 1e-4 and from 1e16; .NET switches at other points.
            if (power is >= -4 and < 16)
                return decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) is var plain && plain.Contains('.', StringComparison.Ordinal) ? plain : plain + ".0";
            return $"{mantissa}e{(power < 0 ? "-" : "+")}{Math.Abs(power):00}";
        }
        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }
}

/// <summary>The second level of double quantization: block size, and the mean subtracted before quantizing.</summary>
internal readonly record struct NestedState(int BlockSize, float Offset);
