using TorchSharp;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Quantizers.FourBit;

/// <summary>What <c>nf4</c> and <c>fp4</c> share: argument checks, blockwise storage and the frozen linear layer.</summary>
public abstract class FourBitQuantizerPlugin : IQuantizerPlugin
{
    private static readonly int[] BlockSizes = [64, 128, 256, 512, 1024, 2048, 4096];

    private protected FourBitQuantizerPlugin()
    {
    }

    /// <inheritdoc />
    public abstract PluginIdentity Identity { get; }

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public bool KeepsPlainLinears => false;

    /// <inheritdoc />
    /// <remarks>
    /// bitsandbytes' layout: two codes per byte and one float32 absmax per block (4 + 32/64 = 4.5 bits per weight at
    /// block size 64); with double quantization the absmax values are 8-bit codes with one float32 scale per 256 blocks
    /// and one offset (about 4.127 bits). Each layer also keeps its 16-entry code book (and the 256-entry one of double
    /// quantization) in float32.
    /// </remarks>
    public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckOptions(options);
        long elements = shape.Aggregate(1L, (a, b) => a * b);
        long blocks = (elements + options.BlockSize - 1) / options.BlockSize;
        long packed = (elements + 1) / 2;
        long codeBook = Format.CodeBook.Length * sizeof(float);
        if (!options.DoubleQuantization)
            return packed + blocks * sizeof(float) + codeBook;
        long nestedBlocks = (blocks + FourBitWeight.NestedBlockSize - 1) / FourBitWeight.NestedBlockSize;
        return packed + blocks + nestedBlocks * sizeof(float) + sizeof(float) + codeBook + DynamicMap.Values.Length * sizeof(float);
    }

    private protected abstract FourBitFormat Format { get; }

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options)
    {
        CheckWeight(weight, nameof(weight));
        CheckOptions(options);
        return new FourBitTensor(FourBitWeight.Quantize(Format, weight, options.BlockSize, options.DoubleQuantization));
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options)
    {
        CheckWeight(weight, nameof(weight));
        CheckOptions(options);
        if (weight.dim() != 2)
            throw new ArgumentException($"A linear weight has shape [out, in]; got [{string.Join(", ", weight.shape)}].", nameof(weight));
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
            throw new ArgumentException($"The bias must have shape [{weight.shape[0]}]; got [{string.Join(", ", bias.shape)}].", nameof(bias));
        if (computeDtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
            throw new ArgumentOutOfRangeException(nameof(computeDtype), computeDtype, "The compute dtype must be a floating-point type.");
        return new FourBitLinear(FourBitWeight.Quantize(Format, weight, options.BlockSize, options.DoubleQuantization), bias, computeDtype);
    }

    private static void CheckWeight(Tensor weight, string name)
    {
        ArgumentNullException.ThrowIfNull(weight, name);
        if (!weight.is_floating_point())
            throw new ArgumentException($"Only floating-point weights can be quantized; got {weight.dtype}.", name);
        if (weight.numel() == 0)
            throw new ArgumentException("The weight is empty.", name);
        using var finite = weight.isfinite().all();
        if (!finite.item<bool>())
            throw new ArgumentException("The weight contains inf or NaN; a blockwise absmax scale cannot represent it.", name);
    }

    private static void CheckOptions(QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Array.IndexOf(BlockSizes, options.BlockSize) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockSize,
                $"Block size must be one of {string.Join(", ", BlockSizes)} (the sizes bitsandbytes supports for 4-bit).");
        }
    }
}

/// <summary><c>model.quantization = "nf4"</c>: NormalFloat4, the platform's recommended format.</summary>
public sealed class Nf4QuantizerPlugin : FourBitQuantizerPlugin
{
    /// <inheritdoc />
    public override PluginIdentity Identity { get; } = new("nf4", PluginKind.Quantizer, PluginVersion.Value, PluginContract.Version,
        "4-bit NormalFloat (QLoRA), blocks of 64 with absmax scales, bitsandbytes layout (recommended).");

    private protected override FourBitFormat Format => Nf4Format.Instance;
}

/// <summary><c>model.quantization = "fp4"</c>: bitsandbytes' 4-bit float (e2m1).</summary>
public sealed class Fp4QuantizerPlugin : FourBitQuantizerPlugin
{
    /// <inheritdoc />
    public override PluginIdentity Identity { get; } = new("fp4", PluginKind.Quantizer, PluginVersion.Value, PluginContract.Version,
        "4-bit float (1 sign, 2 exponent, 1 mantissa bit), blocks of 64 with absmax scales, bitsandbytes layout.");

    private protected override FourBitFormat Format => Fp4Format.Instance;
}
