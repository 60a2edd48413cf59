using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tests.Support;
using VlmForge.Settings;

namespace VlmForge.Data.Tests.Datasets;

public sealed class JsonlDatasetLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public JsonlDatasetLoaderTests()
    {
        Directory.CreateDirectory(_folder.File("images"));
        TestImages.SolidPng(_folder.File("images/a.png"), 100, 50, SKColors.Red);
        TestImages.SolidPng(_folder.File("images/b.png"), 40, 40, SKColors.Blue);
        File.WriteAllBytes(_folder.File("images/garbage.png"), [1, 2, 3, 4, 5, 6, 7, 8]);
        byte[] png = File.ReadAllBytes(_folder.File("images/a.png"));
        File.WriteAllBytes(_folder.File("images/truncated.png"), png[..(png.Length / 2)]);
    }

    private const string Grounding = "\"phrase_grounding\": {\"sentence\": \"a red thing\", \"groundings\": [{\"phrase\": \"a red thing\", \"grounding\": [[10, 5, 90, 45]]}]}";

    private static readonly string[] Lines =
    [
        /* 1 */ "{\"id\": \"ok-1\", \"image\": \"images/a.png\", " + Grounding + ", \"qa\": [{\"question\": \"What color?\", \"answer\": \"red\"}], \"caption\": \"A red image.\"}",
        /* 2 */ "",
        /* 3 */ "{\"image\": \"images/missing.png\", \"caption\": \"x\"}",
        /* 4 */ "{\"image\": \"images/garbage.png\", \"caption\": \"x\"}",
        /* 5 */ "{\"image\": \"images/a.png\", \"caption\": \"x\"",
        /* 6 */ "{\"caption\": \"x\"}",
        /* 7 */ "{\"image\": \"images/a.png\", \"qa\": [{\"question\": \"q\", \"answer\": 3}]}",
        /* 8 */ "{\"image\": \"images/b.png\", " + Grounding + "}",
        /* 9 */ "{\"image\": \"images/a.png\", \"phrase_grounding\": {\"sentence\": \"s\", \"groundings\": [{\"phrase\": \"p\", \"grounding\": [[50, 5, 10, 45]]}]}}",
        /* 10 */ "{\"image\": \"images/a.png\", \"captoin\": \"x\"}",
        /* 11 */ "{\"image\": \"images/b.png\", \"caption\": [\"A blue image.\", \"Blue.\"]}",
        /* 12 */ "{\"image\": \"images/a.png\"}",
        /* 13 */ "{\"image\": \"images/truncated.png\", \"caption\": \"x\"}",
    ];

    private string WriteDataset()
    {
        string path = _folder.File("train.jsonl");
        File.WriteAllText(path, string.Join('\n', Lines) + "\n");
        return path;
    }

    [Fact]
    public void Skip_reports_every_bad_line_with_its_reason_and_loads_all_the_others()
    {
        string path = WriteDataset();
        var reported = new List<DatasetProblem>();
        DatasetLoadResult result = JsonlDatasetLoader.Load(path, new DatasetLoadOptions(), reported.Add);

        Assert.Equal([1, 11, 13], result.Records.Select(r => r.LineNumber));
        Assert.Equal(
            [
                (3, DatasetProblemKind.ImageMissing), (4, DatasetProblemKind.ImageCorrupt), (5, DatasetProblemKind.InvalidJson),
                (6, DatasetProblemKind.MissingField), (7, DatasetProblemKind.WrongType), (8, DatasetProblemKind.BoxOutsideImage),
                (9, DatasetProblemKind.BoxInverted), (10, DatasetProblemKind.UnknownField), (12, DatasetProblemKind.MissingField),
            ],
            result.Problems.Select(p => (p.Line, p.Kind)));
        Assert.Equal(result.Problems, reported);
        Assert.All(result.Problems, p => Assert.Equal(path, p.File));

        Assert.Equal(3, result.Summary.Loaded);
        Assert.Equal(9, result.Summary.Skipped);
        Assert.Equal(2, result.Summary.SkippedByReason[DatasetProblemKind.MissingField]);
        Assert.Equal(1, result.Summary.SkippedByReason[DatasetProblemKind.BoxOutsideImage]);
        Assert.Contains("3 records loaded, 9 skipped", result.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_point_at_file_line_and_say_what_to_do()
    {
        DatasetLoadResult result = JsonlDatasetLoader.Load(WriteDataset());
        string Message(int line) => result.Problems.Single(p => p.Line == line).ToString();

        Assert.StartsWith($"{_folder.File("train.jsonl")}:3: ", Message(3), StringComparison.Ordinal);
        Assert.Contains("does not exist", Message(3), StringComparison.Ordinal);
        Assert.Matches(@"train\.jsonl:5:\d+: not valid JSON", Message(5));
        Assert.Contains("missing field \"image\"", Message(6), StringComparison.Ordinal);
        Assert.Contains("qa[0].answer", Message(7), StringComparison.Ordinal);
        Assert.Contains("outside the 40x40 image", Message(8), StringComparison.Ordinal);
        Assert.Contains("x1 < x2", Message(9), StringComparison.Ordinal);
        Assert.Contains("Did you mean \"caption\"?", Message(10), StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_records_keep_their_content_and_image_size()
    {
        DatasetLoadResult result = JsonlDatasetLoader.Load(WriteDataset());
        DatasetRecord first = result.Records[0];
        Assert.Equal("ok-1", first.Id);
        Assert.Equal(new ImageSize(100, 50), first.ImageSize);
        Assert.Equal(Path.GetFullPath(_folder.File("images/a.png")), first.ImagePath);
        Assert.Equal(new BoundingBox(10, 5, 90, 45), first.Grounding!.Groundings[0].Boxes[0]);
        Assert.Equal("red", first.Questions[0].Answer);
        Assert.Equal(["A red image."], first.Captions);
        Assert.Equal(["A blue image.", "Blue."], result.Records[1].Captions);
        Assert.Equal("train.jsonl:11", result.Records[1].Id);
    }

    [Fact]
    public void Fail_stops_at_the_first_bad_line_with_a_clear_message()
    {
        var ex = Assert.Throws<DatasetFormatException>(() =>
            JsonlDatasetLoader.Load(WriteDataset(), new DatasetLoadOptions { OnError = RecordErrorPolicy.Fail }));
        Assert.Equal(3, ex.Problem.Line);
        Assert.Equal(DatasetProblemKind.ImageMissing, ex.Problem.Kind);
        Assert.Contains("train.jsonl:3:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("on_error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_pixel_data_is_found_when_the_image_is_decoded()
    {
        // The header is intact, so a header-only check loads the record...
        DatasetLoadResult result = JsonlDatasetLoader.Load(WriteDataset());
        DatasetRecord truncated = result.Records.Single(r => r.LineNumber == 13);
        var preprocessor = new ImagePreprocessor(ImageNormalization.Symmetric);
        var ex = Assert.Throws<DatasetFormatException>(() => preprocessor.Load(truncated, new SquareImageBoxConvention(32)));
        Assert.Equal(DatasetProblemKind.ImageCorrupt, ex.Problem.Kind);
        Assert.Contains("train.jsonl:13", ex.Message, StringComparison.Ordinal);

        // ...and a full decode at load time counts it with the others.
        DatasetLoadResult full = JsonlDatasetLoader.Load(WriteDataset(), new DatasetLoadOptions { ImageCheck = ImageCheck.FullDecode });
        Assert.Contains(full.Problems, p => p.Line == 13 && p.Kind == DatasetProblemKind.ImageCorrupt);
        Assert.Equal([1, 11], full.Records.Select(r => r.LineNumber));
    }

    [Fact]
    public void A_folder_dataset_needs_train_jsonl_and_says_how_to_make_one()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => DatasetLayout.FromPath(_folder.Path));
        Assert.Contains("vlmforge data synth", ex.Message, StringComparison.Ordinal);
        WriteDataset();
        DatasetLayout layout = DatasetLayout.FromPath(_folder.Path);
        Assert.Equal(_folder.File("train.jsonl"), layout.TrainFile);
        Assert.Null(layout.ValidationFile);
    }

    public void Dispose() => _folder.Dispose();
}
