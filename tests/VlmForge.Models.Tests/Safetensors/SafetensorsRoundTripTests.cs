using TorchSharp;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Safetensors;

public class SafetensorsRoundTripTests
{
    public static TheoryData<ScalarType> Dtypes => new()
    {
        ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float64,
        ScalarType.Int64, ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    };

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Every_dtype_round_trips_bit_for_bit(ScalarType dtype)
    {
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        var values = Sample(dtype, [3, 5]);
        var scalar = Sample(dtype, []);
        var emptyTensor = zeros([0, 4], dtype);
        var path = folder.File("x.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["values"] = values, ["scalar"] = scalar, ["empty"] = emptyTensor });
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(["empty", "scalar", "values"], file.Names);
        foreach (var (name, expected) in new[] { ("values", values), ("scalar", scalar), ("empty", emptyTensor) })
        {
            var read = file.Read(name);
            Assert.Equal(dtype, read.dtype);
            Assert.Equal(expected.shape, read.shape);
            Assert.True(read.equal(expected).all().item<bool>(), $"{name} differs after the round trip");
            Assert.Equal(expected.numel() == 0 ? [] : expected.contiguous().bytes.ToArray(), read.numel() == 0 ? [] : read.bytes.ToArray());
        }
        Assert.Equal(SafetensorsDtypes.FromScalarType(dtype), file.GetEntry("values").Dtype);
    }

    [Fact]
    public void Metadata_is_kept()
    {
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = folder.File("m.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"\n" };

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = ones(2) }, metadata);
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(metadata, file.Metadata);
    }

    [Fact]
    public void Matches_the_reference_crate_bytes_for_one_float_tensor()
    {
        using var scope = NewDisposeScope();
        var tensor = arange(6, ScalarType.Float32).reshape(1, 2, 3);

        var bytes = SafetensorsWriter.Serialize(new Dictionary<string, Tensor> { ["attn.0"] = tensor });

        // huggingface/safetensors tensor.rs, test_serialization: the 64-byte header needs no padding.
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Pads_the_header_with_spaces_to_eight_bytes_like_the_reference_crate()
    {
        using var scope = NewDisposeScope();
        var tensor = arange(6, ScalarType.Float32).reshape(1, 1, 2, 3);

        var bytes = SafetensorsWriter.Serialize(new Dictionary<string, Tensor> { ["attn0"] = tensor });

        // test_serialization_forced_alignement: 65 bytes of JSON become 72 with 7 spaces.
        byte[] expected =
        [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Matches_the_reference_crate_bytes_for_empty_files_with_and_without_metadata()
    {
        var none = SafetensorsWriter.Serialize(new Dictionary<string, Tensor>());
        var framework = SafetensorsWriter.Serialize(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });

        // test_empty.
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32], none);
        Assert.Equal(
            [
                40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32,
            ],
            framework);
    }

    [Fact]
    public void Tensors_are_laid_out_by_descending_alignment_then_name()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["b_mask"] = ones(3, ScalarType.Bool),
            ["z_half"] = ones(3, ScalarType.BFloat16),
            ["a_half"] = ones(3, ScalarType.Float16),
            ["ids"] = ones(3, ScalarType.Int64),
            ["w"] = ones(3, ScalarType.Float32),
        };

        var bytes = SafetensorsWriter.Serialize(tensors);
        var header = SafetensorsHeader.Parse(bytes.AsMemory(8, BitConverter.ToInt32(bytes, 0)), bytes.Length - 8 - BitConverter.ToInt32(bytes, 0), "memory");

        // Crate order: I64 > F32 > BF16 > F16 > BOOL.
        Assert.Equal(["ids", "w", "z_half", "a_half", "b_mask"], header.Entries.Select(e => e.Name));
        Assert.Equal([0L, 24, 36, 42, 48], header.Entries.Select(e => e.Begin));
    }

    [Fact]
    public void Output_does_not_depend_on_insertion_order()
    {
        using var scope = NewDisposeScope();
        var a = arange(4, ScalarType.Float32);
        var b = arange(6, ScalarType.Int32);
        var first = SafetensorsWriter.Serialize(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b },
            new Dictionary<string, string> { ["y"] = "1", ["x"] = "2" });
        var second = SafetensorsWriter.Serialize(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a },
            new Dictionary<string, string> { ["x"] = "2", ["y"] = "1" });
        Assert.Equal(first, second);
    }

    [Fact]
    public void Writing_replaces_the_file_atomically_and_leaves_no_temporary_file()
    {
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = folder.File("w.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = ones(2) });
        var before = File.ReadAllBytes(path);

        // A tensor that fails while its bytes are written (disposed): the old file must survive intact.
        var broken = ones(2);
        var good = zeros(3);
        broken.Dispose();
        Assert.ThrowsAny<Exception>(() => SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a"] = good, ["b"] = broken }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));

        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = full(2, 3f) });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(3f, file.Read("w")[1].item<float>());
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public unsafe void Large_tensors_are_copied_in_element_aligned_chunks()
    {
        using var scope = NewDisposeScope();
        var source = arange(10, ScalarType.Float32);
        var target = zeros(10, ScalarType.Float32);
        var bytes = source.bytes.ToArray();

        fixed (byte* pointer = bytes)
        {
            TensorBytes.CopyInto(target, pointer, chunkBytes: 12);   // 3 floats per chunk: 4 chunks, the last one short
        }

        Assert.True(target.equal(source).all().item<bool>());
        using var stream = new MemoryStream();
        TensorBytes.WriteTo(source, stream, chunkBytes: 12);
        Assert.Equal(bytes, stream.ToArray());
    }

    [Fact]
    public void Opening_maps_the_file_instead_of_reading_it()
    {
        using var folder = new TempDirectory();
        var path = folder.File("big.safetensors");
        // A 2 GiB tensor (sparse on disk) followed by 8 bytes: opening must not read the 2 GiB, and reading the small
        // tensor addresses past 2^31.
        const long big = (1L << 31) + 64;
        var header = $"{{\"big\":{{\"dtype\":\"U8\",\"shape\":[{big}],\"data_offsets\":[0,{big}]}},\"small\":{{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[{big},{big + 8}]}}}}";
        var prefix = RawSafetensors.Build(header, []);
        using (var stream = File.Create(path))
        {
            stream.Write(prefix);
            stream.SetLength(prefix.Length + big + 8);
            stream.Seek(-8, SeekOrigin.End);
            stream.Write(BitConverter.GetBytes(42L));
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var file = SafetensorsFile.Open(path);
        using var small = file.Read("small");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(42L, small.item<long>());
        Assert.True(allocated < 1 << 20, $"opening allocated {allocated} managed bytes");
        Assert.Equal(big, file.GetEntry("big").ByteCount);
    }

    private static Tensor Sample(ScalarType dtype, long[] shape)
    {
        var generator = new Generator(5);
        return dtype switch
        {
            ScalarType.Bool => randint(0, 2, shape, generator: generator).to(ScalarType.Bool),
            ScalarType.Byte => randint(0, 256, shape, generator: generator).to(dtype),
            ScalarType.Int8 => randint(-128, 128, shape, generator: generator).to(dtype),
            ScalarType.Int16 => randint(-30000, 30000, shape, generator: generator).to(dtype),
            ScalarType.Int32 => randint(int.MinValue, int.MaxValue, shape, generator: generator).to(dtype),
            ScalarType.Int64 => randint(long.MinValue / 2, long.MaxValue / 2, shape, ScalarType.Int64, generator: generator),
            _ => (randn(shape, generator: generator) * 1000).to(dtype),
        };
    }
}
