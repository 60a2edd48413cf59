using System.Diagnostics;
using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Data.Tests.Support;
using VlmForge.Settings;
using VlmForge.Tests.Fuzzing;

namespace VlmForge.Data.Tests.Datasets;

/// <summary>The dataset inputs that crashed, trained on bad data or ate memory: each is now a located, bounded problem.</summary>
public sealed class DatasetReliabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public DatasetReliabilityTests()
    {
        Directory.CreateDirectory(_folder.File("images"));
        TestImages.SolidPng(_folder.File("images/a.png"), 64, 48, SKColors.Red);
        byte[] png = File.ReadAllBytes(_folder.File("images/a.png"));
        File.WriteAllBytes(_folder.File("images/half.png"), png[..(png.Length / 2)]);
        File.WriteAllBytes(_folder.File("images/bomb.png"), CraftedPng.HeaderOnly(20_000, 20_000));
    }

    public void Dispose() => _folder.Dispose();

    private string Write(params string[] lines)
    {
        var path = _folder.File("train.jsonl");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static string Record(string image) => $"{{\"image\": \"{image}\", \"caption\": \"A picture.\"}}";

    [Fact]
    public void A_NUL_in_an_image_path_is_a_located_problem_under_skip()
    {
        var path = Write(Record("images/a.png"), Record("images/\\u0000x.png"));

        var result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions { OnError = RecordErrorPolicy.Skip });

        Assert.Single(result.Records);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, DatasetProblemKind.InvalidPath), (problem.Line, problem.Kind));
        Assert.StartsWith($"{path}:2: image \"images/\\u0000x.png\" is not a usable path", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_an_image_path_stops_fail_with_a_dataset_error_not_an_argument_exception()
    {
        var path = Write(Record("images/\\u0000x.png"));

        var error = Assert.Throws<DatasetFormatException>(() => JsonlDatasetLoader.Load(path, new DatasetLoadOptions { OnError = RecordErrorPolicy.Fail }));

        Assert.Equal(1, error.Problem.Line);
    }

    [Fact]
    public void Invalid_utf8_is_a_problem_located_by_line_and_byte_not_silently_replaced()
    {
        var path = _folder.File("train.jsonl");
        var good = System.Text.Encoding.UTF8.GetBytes(Record("images/a.png") + "\n");
        var bad = System.Text.Encoding.UTF8.GetBytes("{\"image\": \"images/a.png\", \"caption\": \"caf\u00e9\"}\n");
        bad[bad.Length - 5] = 0xFF;   // the second byte of é
        File.WriteAllBytes(path, [.. good, .. bad, .. good]);

        var result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions { OnError = RecordErrorPolicy.Skip });

        Assert.Equal([1, 3], result.Records.Select(r => r.LineNumber));
        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, DatasetProblemKind.InvalidEncoding, bad.Length - 4), (problem.Line, problem.Kind, problem.Column!.Value));
        Assert.Contains("byte 0xFF", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_invalid_json_at_its_line_not_an_InvalidOperationException()
    {
        var path = Write(Record("images/a.png"), "{\"image\": \"images/a.png\", \"caption\": \"\\ud800\"}");

        var result = JsonlDatasetLoader.Load(path);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, DatasetProblemKind.InvalidJson), (problem.Line, problem.Kind));
    }

    [Fact]
    public void A_model_answer_with_an_escaped_lone_surrogate_is_not_valid_grounding_json()
    {
        var parsed = VlmForge.Data.Tasks.GroundingAnswerParser.Parse("{\"phrase_grounding\": {\"sentence\": \"\\udc00\", \"groundings\": []}}");

        Assert.Null(parsed.Value);
        Assert.NotNull(parsed.Error);
    }

    [Fact]
    public void A_byte_order_mark_and_CRLF_line_ends_still_load()
    {
        var path = _folder.File("train.jsonl");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Record("images/a.png") + "\r\n" + Record("images/a.png") + "\r\n")]);

        var result = JsonlDatasetLoader.Load(path);

        Assert.Equal(2, result.Records.Count);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void A_png_cut_in_half_is_caught_at_load_when_images_are_decoded()
    {
        var path = Write(Record("images/half.png"));

        var error = Assert.Throws<DatasetFormatException>(() => JsonlDatasetLoader.Load(path,
            new DatasetLoadOptions { OnError = RecordErrorPolicy.Fail, ImageCheck = ImageCheck.FullDecode }));

        Assert.Equal((1, DatasetProblemKind.ImageCorrupt), (error.Problem.Line, error.Problem.Kind));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ImageCheck.Header)]
    [InlineData(ImageCheck.FullDecode)]
    public void A_header_claiming_20000x20000_pixels_is_refused_before_decoding(ImageCheck check)
    {
        var path = Write(Record("images/a.png"), Record("images/bomb.png"));
        var clock = Stopwatch.StartNew();

        var result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions { ImageCheck = check });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, DatasetProblemKind.ImageCorrupt), (problem.Line, problem.Kind));
        Assert.Contains("is 20000x20000 = 400,000,000 pixels, more than dataset.max_image_pixels = 89,478,485", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pixel_limit_is_the_one_given()
    {
        var path = Write(Record("images/a.png"));

        var result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions { MaxImagePixels = 64 * 48 - 1, ImageCheck = ImageCheck.FullDecode });

        Assert.Contains("64x48 = 3,072 pixels, more than dataset.max_image_pixels = 3,071", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_FIFO_as_an_image_is_a_problem_not_a_hang()
    {
        using var mkfifo = Process.Start("mkfifo", [_folder.File("images/fifo.png")]);
        mkfifo.WaitForExit();
        var path = Write(Record("images/fifo.png"));

        var result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions { ImageCheck = ImageCheck.FullDecode });

        Assert.Contains("not a regular file", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }
}
