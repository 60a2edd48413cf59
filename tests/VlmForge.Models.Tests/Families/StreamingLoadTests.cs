using TorchSharp;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Quantization;
using VlmForge.Abstractions.Settings;
using VlmForge.Models.Families;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

/// <summary>The loader reads each tensor once, when its layer is filled, and quantizes layer by layer while reading.</summary>
public class StreamingLoadTests
{
    [Fact]
    public void Each_tensor_is_read_once_and_quantization_runs_while_the_checkpoint_is_still_being_read()
    {
        using var folder = new TempDirectory();
        using (var original = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full()))
        {
            FamilyFixtures.WriteSnapshot(folder.Path, FamilyFixtures.QwenConfigJson(), original);
        }
        var snapshot = SnapshotFolder.Open(folder.Path);
        using var source = new CountingSource(snapshot.OpenWeights());
        var quantizer = new ObservingQuantizer(source);

        using var model = FamilyModels.Load(
            snapshot.Config, source, folder.Path, FamilyFixtures.LoraSetup() with { Quantizer = quantizer });

        Assert.All(source.Reads, r => Assert.Equal(1, r.Value));
        Assert.Equal(source.Names.Count, source.Reads.Count);
        // The first linear is quantized after a handful of reads, not after the whole checkpoint: at most one layer's
        // 16-bit weights exist unquantized at a time.
        Assert.True(quantizer.ReadsAtEachCall[0] <= 4, $"first quantization after {quantizer.ReadsAtEachCall[0]} reads");
        Assert.Equal(quantizer.ReadsAtEachCall.Order(), quantizer.ReadsAtEachCall);
        Assert.True(quantizer.ReadsAtEachCall[^1] < source.Names.Count);
    }

    private sealed class CountingSource(ITensorSource inner) : ITensorSource
    {
        public Dictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public int Total => Reads.Values.Sum();

        public IReadOnlyList<string> Names => inner.Names;

        public IReadOnlyDictionary<string, string> Metadata => inner.Metadata;

        public TensorEntry GetEntry(string name) => inner.GetEntry(name);

        public Tensor Read(string name)
        {
            Reads[name] = Reads.GetValueOrDefault(name) + 1;
            return inner.Read(name);
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class ObservingQuantizer(CountingSource source) : IQuantizerPlugin
    {
        private readonly RoundingQuantizer inner = new();

        public List<int> ReadsAtEachCall { get; } = [];

        public PluginIdentity Identity => inner.Identity;

        public IReadOnlyList<SettingDescriptor> Settings => inner.Settings;

        public bool KeepsPlainLinears => inner.KeepsPlainLinears;

        public long StorageBytes(long[] shape, ScalarType computeDtype, QuantizationOptions options) => inner.StorageBytes(shape, computeDtype, options);

        public void Configure(ConfigTable? section, DiagnosticBag diagnostics) => inner.Configure(section, diagnostics);

        public IQuantizedTensor Quantize(Tensor weight, QuantizationOptions options) => inner.Quantize(weight, options);

        public nn.Module<Tensor, Tensor> CreateFrozenLinear(Tensor weight, Tensor? bias, ScalarType computeDtype, QuantizationOptions options)
        {
            ReadsAtEachCall.Add(source.Total);
            return inner.CreateFrozenLinear(weight, bias, computeDtype, options);
        }
    }
}
