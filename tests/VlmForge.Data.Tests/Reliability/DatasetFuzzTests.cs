using System.Buffers.Binary;
using System.Text;
using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Data.Tests.Support;
using VlmForge.Settings;
using VlmForge.Tests.Fuzzing;
using Xunit.Abstractions;

namespace VlmForge.Data.Tests.Reliability;

/// <summary>
/// Seeded fuzzing of the JSONL dataset reader (line parser, encoding, image paths, boxes) and of the image decoder
/// (PNG, JPEG and WebP bytes mutated, headers rewritten with valid checksums). Nothing may escape but the loader's
/// own located errors.
/// </summary>
[Trait("Category", FuzzHarness.Trait)]
public sealed class DatasetFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Records =
    [
        "{\"id\": \"r1\", \"image\": \"images/a.png\", \"phrase_grounding\": {\"sentence\": \"a red box\", \"groundings\": [{\"phrase\": \"a red box\", \"grounding\": [[1, 2, 30, 40]]}]}}",
        "{\"image\": \"images/a.png\", \"qa\": [{\"question\": \"What color?\", \"answer\": \"red\"}, {\"question\": \"How many?\", \"answer\": \"1\"}]}",
        "{\"image\": \"images/a.png\", \"caption\": [\"A red image.\", \"Red.\"], \"meta\": {\"source\": \"x\", \"n\": [1, 2]}}",
    ];

    private static readonly string[] JsonValues =
    [
        "null", "true", "0", "-1", "1e400", "-0", "1.5", "9223372036854775808", "\"\"", "\" \"", "\"\\u0000\"", "[]", "{}",
        "[[]]", "[[1, 2, 3, 4]]", "[[4, 3, 2, 1]]", "[[-5, -5, 10, 10]]", "[[0, 0, 1e308, 1e308]]", "\"images/\\u0000x.png\"",
        "\"../../../../etc/passwd\"", "\"/dev/zero\"", "\"images\"", "\"images/a.png\\u0000\"", "\"\\ud800\"",
    ];

    [Fact]
    public void Mutated_jsonl_lines_never_crash_or_hang_and_every_problem_is_located()
    {
        Directory.CreateDirectory(_folder.File("images"));
        TestImages.SolidPng(_folder.File("images/a.png"), 64, 48, SKColors.Red);
        var file = _folder.File("train.jsonl");

        var report = FuzzHarness.Run("jsonl", FuzzHarness.Cases(2000), seed: 1210, random =>
        {
            var (bytes, description) = MutatedLines(random);
            var policy = random.Next(2) == 0 ? RecordErrorPolicy.Skip : RecordErrorPolicy.Fail;
            return new FuzzCase($"{description} ({policy})", () =>
            {
                File.WriteAllBytes(file, bytes);
                try
                {
                    var result = JsonlDatasetLoader.Load(file, new DatasetLoadOptions { OnError = policy, ImageCheck = ImageCheck.FullDecode });
                    return result.Problems.FirstOrDefault(p => p.Line <= 0) is { } unlocated ? $"a problem without a line: {unlocated}" : null;
                }
                catch (DatasetFormatException e) when (policy == RecordErrorPolicy.Fail)
                {
                    return e.Problem.Line > 0 ? null : $"a problem without a line: {e.Problem}";
                }
            });
        });

        output.WriteLine(report.ToString());
        Assert.True(report.Clean, report.ToString());
    }

    private static (byte[] Bytes, string Description) MutatedLines(Random random)
    {
        var lines = new List<byte[]>();
        var what = new List<string>();
        int count = 1 + random.Next(3);
        for (int i = 0; i < count; i++)
        {
            var line = Records[random.Next(Records.Length)];
            switch (random.Next(6))
            {
                case 0:
                {
                    // A value replaced by another JSON value of any type.
                    var value = JsonValues[random.Next(JsonValues.Length)];
                    var keys = new[] { "\"image\": ", "\"answer\": ", "\"grounding\": ", "\"caption\": ", "\"sentence\": ", "\"qa\": " };
                    var key = keys[random.Next(keys.Length)];
                    int at = line.IndexOf(key, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        int start = at + key.Length;
                        line = line[..start] + value + SkipValue(line, start);
                    }
                    what.Add($"a value set to {value}");
                    break;
                }
                case 1:
                {
                    int depth = 1 + random.Next(300);
                    line = $"{{\"image\": \"images/a.png\", \"caption\": \"x\", \"meta\": {new string('[', depth)}1{new string(']', depth)}}}";
                    what.Add($"JSON nested {depth} deep");
                    break;
                }
                case 2:
                {
                    int length = (int)Math.Pow(2_000_000, random.NextDouble());
                    line = $"{{\"image\": \"images/a.png\", \"caption\": \"{new string('x', length)}\"}}";
                    what.Add($"a caption of {length} characters");
                    break;
                }
                case 3:
                {
                    int edits = 1 + random.Next(6);
                    for (int e = 0; e < edits; e++) line = FuzzText.Mutate(random, line);
                    what.Add($"{edits} text edits");
                    break;
                }
                default:
                    what.Add("a valid record");
                    break;
            }
            var bytes = Encoding.UTF8.GetBytes(line);
            if (random.Next(8) == 0 && bytes.Length > 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)(0x80 + random.Next(0x80));   // a raw byte that may not be UTF-8
                what[^1] += " with a raw high byte";
            }
            lines.Add(bytes);
        }
        var all = new List<byte>();
        foreach (var line in lines)
        {
            all.AddRange(line);
            all.AddRange(random.Next(4) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
        }
        return ([.. all], string.Join("; ", what));
    }

    /// <summary>The rest of <paramref name="line"/> after the JSON value that starts at <paramref name="start"/>.</summary>
    private static string SkipValue(string line, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < line.Length; i++)
        {
            char c = line[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                if (!inString && depth == 0) return line[(i + 1)..];
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '[' or '{': depth++; break;
                case ']' or '}':
                    if (depth == 0) return line[i..];
                    if (--depth == 0) return line[(i + 1)..];
                    break;
                case ',' when depth == 0: return line[i..];
            }
        }
        return "";
    }

    [Fact]
    public void Mutated_images_never_crash_or_hang_the_decoder()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(24, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 24; x++) bitmap.SetPixel(x, y, new SKColor((byte)(x * 10), (byte)(y * 15), 128));
        var bases = new List<(string Format, byte[] Bytes)>
        {
            ("png", PngWriter.Encode(bitmap)),
            ("jpeg", Encode(bitmap, SKEncodedImageFormat.Jpeg)),
            ("webp", Encode(bitmap, SKEncodedImageFormat.Webp)),
            ("png-header", CraftedPng.HeaderOnly(24, 16)),
        };
        var file = _folder.File("image.bin");
        const long maxPixels = 4_000_000;

        var report = FuzzHarness.Run("image", FuzzHarness.Cases(2000), seed: 1220, random =>
        {
            var (format, original) = bases[random.Next(bases.Count)];
            var (bytes, description) = MutateImage(random, original);
            return new FuzzCase($"{format}: {description}", () =>
            {
                File.WriteAllBytes(file, bytes);
                foreach (var decode in new Action[] { () => ImageDecoder.ReadSize(file, maxPixels), () => ImageDecoder.Decode(file, maxPixels).Dispose() })
                {
                    try
                    {
                        decode();
                    }
                    catch (ImageDecodeException e) when (e.Message.Contains(file, StringComparison.Ordinal))
                    {
                    }
                }
                return null;
            });
        });

        output.WriteLine(report.ToString());
        Assert.True(report.Clean, report.ToString());
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static (byte[] Bytes, string Description) MutateImage(Random random, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
            {
                int flips = 1 + random.Next(16);
                for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }
            case 1:
            {
                int keep = random.Next(bytes.Length);
                return (bytes[..keep], $"cut to {keep} of {bytes.Length} bytes");
            }
            case 2 when bytes.AsSpan().StartsWith(CraftedPng.Signature):
            {
                // The IHDR rewritten with a valid CRC: any width and height, bit depth and colour type.
                int width = random.Next(4) == 0 ? random.Next() : random.Next(1, 5000);
                int height = random.Next(4) == 0 ? random.Next() : random.Next(1, 5000);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
                if (random.Next(3) == 0) bytes[24] = (byte)(1 << random.Next(5));
                if (random.Next(3) == 0) bytes[25] = (byte)random.Next(7);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), CraftedPng.Crc32(bytes.AsSpan(12, 17)));
                return (bytes, $"IHDR {width}x{height}, depth {bytes[24]}, colour type {bytes[25]}");
            }
            case 3:
            {
                int at = random.Next(bytes.Length);
                var junk = new byte[1 + random.Next(64)];
                random.NextBytes(junk);
                return ([.. bytes[..at], .. junk, .. bytes[at..]], $"{junk.Length} random bytes inserted at {at}");
            }
            default:
            {
                int at = random.Next(bytes.Length);
                int length = Math.Min(bytes.Length - at, 1 + random.Next(32));
                random.NextBytes(bytes.AsSpan(at, length));
                return (bytes, $"{length} bytes randomized at {at}");
            }
        }
    }
}
