using System.Text;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Support;

namespace VlmForge.Models.Tests.Safetensors;

/// <summary>Every malformation is refused with the file, the tensor when there is one, and what is wrong.</summary>
public class MalformedSafetensorsTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_header_length_over_100_MB_is_refused_before_anything_is_allocated()
    {
        var path = Write(RawSafetensors.Build("{}", [], claimedHeaderLength: 100_000_001));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Open(path);

        Assert.Contains("100000001 bytes, more than the format's limit of 100000000", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1 << 20);
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{}", [], claimedHeaderLength: 4096)));
        Assert.Contains("the header claims 4096 bytes but only 2 follow the length: the file is truncated", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused()
    {
        var error = Open(Write([1, 2, 3]));
        Assert.Contains("the file has 3 bytes, fewer than the 8-byte header length", error.Message);
    }

    [Fact]
    public void Invalid_json_is_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"w\": {\"dtype\": \"F32\",", [])));
        Assert.Contains("the header is not valid UTF-8 JSON", error.Message);
        Assert.Null(error.TensorName);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var header = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}");
        header[2] = 0xFF;   // the tensor name "w" becomes a lone 0xFF byte
        var error = Open(Write(RawSafetensors.Build(header, new byte[4])));
        Assert.Contains("not valid UTF-8 JSON", error.Message);
    }

    [Fact]
    public void A_header_that_is_not_an_object_is_refused()
    {
        var error = Open(Write(RawSafetensors.Build("[1, 2]  ", [])));
        Assert.Contains("the header must be a JSON object, found an array", error.Message);
    }

    [Fact]
    public void An_unknown_dtype_is_refused_with_the_tensor_name()
    {
        var error = Open(Write(RawSafetensors.Build("{\"w\":{\"dtype\":\"F42\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])));
        Assert.Equal("w", error.TensorName);
        Assert.Contains("unknown dtype \"F42\"", error.Message);
    }

    [Fact]
    public void A_known_dtype_without_a_torchsharp_type_opens_but_cannot_be_read()
    {
        var path = Write(RawSafetensors.Build("{\"u\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<SafetensorsFormatException>(() => file.Read("u"));
        Assert.Equal("u", error.TensorName);
        Assert.Contains("U16 has no TorchSharp equivalent", error.Message);
    }

    [Fact]
    public void A_byte_count_that_does_not_match_shape_times_dtype_is_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20])));
        Assert.Equal("w", error.TensorName);
        Assert.Contains("data_offsets [0, 20] hold 20 bytes but shape [2, 3] of F32 needs 24", error.Message);
    }

    [Fact]
    public void A_gap_between_tensors_is_refused()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        var error = Open(Write(RawSafetensors.Build(header, new byte[12])));
        Assert.Equal("b", error.TensorName);
        Assert.Contains("leave a gap of 4 bytes after 'a' (which ends at 4)", error.Message);
    }

    [Fact]
    public void Data_that_does_not_start_at_the_beginning_of_the_data_section_is_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", new byte[4])));
        Assert.Contains("gap of 2 bytes after the start of the data section", error.Message);
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        var error = Open(Write(RawSafetensors.Build(header, new byte[8])));
        Assert.Equal("b", error.TensorName);
        Assert.Contains("overlap 'a' [0, 8]", error.Message);
    }

    [Fact]
    public void Offsets_that_end_before_they_begin_are_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4])));
        Assert.Contains("data_offsets [4, 0] end before they begin", error.Message);
    }

    [Fact]
    public void A_truncated_data_section_is_refused()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        var error = Open(Write(RawSafetensors.Build(header, new byte[10])));
        Assert.Equal("a", error.TensorName);
        Assert.Contains("run past the end of the data section (10 bytes): the file is truncated", error.Message);
    }

    [Fact]
    public void Bytes_that_belong_to_no_tensor_are_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[9])));
        Assert.Contains("the tensors cover 4 bytes but the data section holds 9: 5 bytes belong to no tensor", error.Message);
    }

    [Fact]
    public void Header_order_may_differ_from_data_order_as_the_format_allows()
    {
        // The crate sorts entries by offset; only the data layout must be exact.
        var header = "{\"late\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},\"early\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        using var file = SafetensorsFile.Open(Write(RawSafetensors.Build(header, [7, 9])));
        Assert.Equal(["early", "late"], file.Header.Entries.Select(e => e.Name));
        using var late = file.Read("late");
        Assert.Equal((byte)9, late[0].item<byte>());
    }

    [Fact]
    public void A_name_that_appears_twice_is_refused()
    {
        var header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}";
        var error = Open(Write(RawSafetensors.Build(header, new byte[2])));
        Assert.Equal("a", error.TensorName);
        Assert.Contains("appears twice", error.Message);
    }

    [Fact]
    public void A_negative_or_fractional_dimension_is_refused()
    {
        var negative = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", [])));
        var fractional = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", [])));
        Assert.Contains("shape[0] = -1 is not a non-negative integer", negative.Message);
        Assert.Contains("shape[0] = 1.5 is not a non-negative integer", fractional.Message);
    }

    [Fact]
    public void A_shape_too_large_to_address_is_refused_without_overflowing()
    {
        var header = "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}";
        var error = Open(Write(RawSafetensors.Build(header, new byte[8])));
        Assert.Contains("is too large to address", error.Message);
    }

    [Fact]
    public void Missing_fields_are_refused()
    {
        var error = Open(Write(RawSafetensors.Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", new byte[1])));
        Assert.Contains("\"data_offsets\" is missing or not a [begin, end] pair", error.Message);
    }

    [Fact]
    public void Metadata_values_must_be_strings()
    {
        var error = Open(Write(RawSafetensors.Build("{\"__metadata__\":{\"total\":3}}", [])));
        Assert.Contains("__metadata__ value of 'total' must be a string, found a number", error.Message);
    }

    [Fact]
    public void A_bool_tensor_with_a_byte_other_than_zero_or_one_is_refused_on_read()
    {
        using var file = SafetensorsFile.Open(Write(RawSafetensors.Build("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}", [0, 2, 1])));
        var error = Assert.Throws<SafetensorsFormatException>(() => file.Read("m"));
        Assert.Contains("BOOL tensor holds bytes other than 0 and 1", error.Message);
    }

    private string Write(byte[] bytes)
    {
        var path = folder.File($"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SafetensorsFormatException Open(string path)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.File);
        Assert.StartsWith(path + ": ", error.Message);
        return error;
    }
}
