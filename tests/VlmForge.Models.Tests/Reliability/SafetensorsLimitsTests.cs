using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Safetensors;
using VlmForge.Models.Tests.Support;

namespace VlmForge.Models.Tests.Reliability;

/// <summary>Shapes whose byte size is small but whose strides overflow: refused at open, never an overflow in libtorch.</summary>
public sealed class SafetensorsLimitsTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("[0, 4611686018427387904, 4611686018427387904]")]
    [InlineData("[4611686018427387904, 4611686018427387904, 0]")]
    [InlineData("[0, 9223372036854775807, 2]")]
    public void A_zero_element_tensor_whose_strides_overflow_is_refused_at_open(string shape)
    {
        var path = _folder.File("zero.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build($"{{\"t\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[0,0]}}}}", []));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Contains("is too large to address (its byte size or strides overflow 64 bits)", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_element_tensor_of_ordinary_size_still_loads()
    {
        var path = _folder.File("empty.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[0, 1024, 1024],\"data_offsets\":[0,0]}}", []));

        using var file = SafetensorsFile.Open(path);
        using var tensor = file.Read("t");

        Assert.Equal([0L, 1024L, 1024L], tensor.shape);
    }

    [Fact]
    public void More_than_64_dimensions_are_refused()
    {
        var path = _folder.File("rank.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build($"{{\"t\":{{\"dtype\":\"U8\",\"shape\":[{string.Join(",", Enumerable.Repeat(1, 65))}],\"data_offsets\":[0,1]}}}}", [7]));

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Contains("shape has 65 dimensions; at most 64 are supported", error.Message, StringComparison.Ordinal);
    }
}
