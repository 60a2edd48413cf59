using System.Globalization;
using System.Text;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Tests.Safetensors;
using VlmForge.Models.Tests.Support;
using VlmForge.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VlmForge.Models.Tests.Reliability;

/// <summary>
/// Seeded, structure-aware fuzzing of the safetensors reader: headers with random dtypes, shapes (huge, zero, negative,
/// fractional, many dimensions), offsets, names and metadata, lying length prefixes, cut and flipped bytes. Open and
/// read every tensor: nothing may escape but <see cref="SafetensorsFormatException"/> naming the file.
/// </summary>
[Trait("Category", FuzzHarness.Trait)]
public sealed class SafetensorsFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Dtypes = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2", "U16", "U32", "U64", "C64", "X9", ""];

    private static readonly long[] Dimensions = [0, 1, 2, 3, 7, 1024, 65_536, int.MaxValue, 1L << 31, 1L << 32, 1L << 40, 1L << 62, long.MaxValue];

    [Fact]
    public void Mutated_safetensors_never_crash_or_hang_and_every_error_names_the_file()
    {
        var file = _folder.File("fuzz.safetensors");

        var report = FuzzHarness.Run("safetensors", FuzzHarness.Cases(2000), seed: 1230, random =>
        {
            var (bytes, description) = Generate(random);
            return new FuzzCase(description, () =>
            {
                File.WriteAllBytes(file, bytes);
                try
                {
                    using var tensors = SafetensorsFile.Open(file);
                    foreach (var name in tensors.Names)
                    {
                        try
                        {
                            using var tensor = tensors.Read(name);
                        }
                        catch (SafetensorsFormatException e) when (e.Message.Contains(file, StringComparison.Ordinal))
                        {
                        }
                    }
                    return null;
                }
                catch (SafetensorsFormatException e)
                {
                    return e.Message.Contains(file, StringComparison.Ordinal) ? null : $"an error that does not name the file: {e.Message}";
                }
            });
        });

        output.WriteLine(report.ToString());
        Assert.True(report.Clean, report.ToString());
    }

    private static (byte[] Bytes, string Description) Generate(Random random)
    {
        int tensors = random.Next(4);
        var header = new StringBuilder("{");
        var parts = new List<string>();
        long offset = 0;
        for (int t = 0; t < tensors; t++)
        {
            var dtype = Dtypes[random.Next(Dtypes.Length)];
            int rank = random.Next(10) == 0 ? random.Next(100) : random.Next(5);
            var shape = new List<string>();
            long elements = 1;
            bool empty = random.Next(8) == 0;
            if (empty)
            {
                // A tensor with no elements but huge other dimensions: no bytes, yet its strides can overflow.
                rank = 2 + random.Next(3);
                shape.Add("0");
                elements = 0;
            }
            for (int d = empty ? 1 : 0; d < rank; d++)
            {
                long size = empty || random.Next(3) == 0 ? Dimensions[random.Next(Dimensions.Length)] : random.Next(5);
                elements = unchecked(elements * size);
                if (empty && random.Next(2) == 0) shape.Insert(0, size.ToString(CultureInfo.InvariantCulture));
                else shape.Add(empty ? size.ToString(CultureInfo.InvariantCulture) : random.Next(30) switch
                {
                    0 => "-1",
                    1 => "1.5",
                    2 => "\"2\"",
                    3 => "1e30",
                    _ => size.ToString(CultureInfo.InvariantCulture),
                });
            }
            long bytes = random.Next(3) == 0 ? random.Next(64) : unchecked(Math.Clamp(elements, 0, 64) * 4);
            long begin = random.Next(8) == 0 ? random.Next(100) : offset;
            long end = random.Next(8) == 0 ? Dimensions[random.Next(Dimensions.Length)] : begin + bytes;
            offset = end;
            var name = random.Next(10) == 0 ? "t0" : $"t{t}";
            var entry = random.Next(20) switch
            {
                0 => "[]",
                1 => "{\"dtype\": 3, \"shape\": [1], \"data_offsets\": [0, 1]}",
                2 => $"{{\"dtype\": \"{dtype}\", \"shape\": [{string.Join(", ", shape)}]}}",
                _ => $"{{\"dtype\": \"{dtype}\", \"shape\": [{string.Join(", ", shape)}], \"data_offsets\": [{begin}, {end}]}}",
            };
            parts.Add($"\"{name}\": {entry}");
        }
        if (random.Next(4) == 0)
            parts.Add(random.Next(2) == 0 ? "\"__metadata__\": {\"format\": \"pt\"}" : "\"__metadata__\": {\"n\": 1}");
        header.Append(string.Join(", ", parts)).Append('}');
        var headerText = header.ToString();
        long dataLength = Math.Clamp(offset, 0, 1 << 12);
        if (random.Next(4) == 0) dataLength = random.Next(256);
        var data = new byte[dataLength];
        random.NextBytes(data);
        var headerBytes = Encoding.UTF8.GetBytes(headerText);
        ulong? claimed = random.Next(12) switch
        {
            0 => (ulong)random.NextInt64(),
            1 => (ulong)Math.Max(0, headerBytes.Length - 1),
            2 => (ulong)headerBytes.Length + 3,
            _ => null,
        };
        var file = RawSafetensors.Build(headerBytes, data, claimed);
        var description = $"header {Shorten(headerText)}, {dataLength} data bytes{(claimed is null ? "" : $", length prefix {claimed}")}";
        switch (random.Next(8))
        {
            case 0:
                int keep = random.Next(file.Length + 1);
                return (file[..keep], description + $", cut to {keep} bytes");
            case 1:
                int at = random.Next(file.Length);
                file[at] ^= (byte)(1 << random.Next(8));
                return (file, description + $", bit flipped at {at}");
            default:
                return (file, description);
        }
    }

    private static string Shorten(string text) => text.Length <= 240 ? text : text[..240] + "...";
}
