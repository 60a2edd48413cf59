using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Settings;

namespace VlmForge.Cli.Tests;

/// <summary>
/// <c>vlmforge data import</c> on small files written to each format's published layout (COCO's data format page,
/// GroundingDINO's ODVG description, LLaVA's instruction-tuning JSON); the output must load as a VlmForge dataset.
/// </summary>
public sealed class DataImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-import-").FullName;

    public DataImportTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "img"));
        foreach (var name in new[] { "a.jpg", "b.jpg" })
        {
            using var bitmap = new SKBitmap(100, 80);
            bitmap.Erase(SKColors.SkyBlue);
            File.WriteAllBytes(Path.Combine(_dir, "img", name), PngWriter.Encode(bitmap)); // decoders go by content, not extension
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static IReadOnlyList<DatasetRecord> Load(string jsonl)
    {
        var problems = new List<DatasetProblem>();
        var result = JsonlDatasetLoader.Load(jsonl, new DatasetLoadOptions { OnError = RecordErrorPolicy.Fail }, problems.Add);
        Assert.Empty(problems);
        return result.Records;
    }

    [Fact]
    public void Coco_instances_and_captions_become_grounding_and_caption_records_with_xyxy_boxes()
    {
        string instances = Write("instances.json", """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 80},
                        {"id": 2, "file_name": "b.jpg", "width": 100, "height": 80},
                        {"id": 3, "file_name": "missing.jpg", "width": 100, "height": 80}],
             "annotations": [{"id": 10, "image_id": 1, "category_id": 18, "bbox": [10, 20, 30, 40], "area": 1200, "iscrowd": 0},
                             {"id": 11, "image_id": 1, "category_id": 18, "bbox": [50.5, 5, 20, 10], "area": 200, "iscrowd": 0},
                             {"id": 12, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0},
                             {"id": 13, "image_id": 1, "category_id": 1, "bbox": [0, 0, 100, 80], "area": 8000, "iscrowd": 1},
                             {"id": 14, "image_id": 2, "category_id": 18, "bbox": [90, 70, 30, 30], "area": 900, "iscrowd": 0},
                             {"id": 15, "image_id": 7, "category_id": 18, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}],
             "categories": [{"id": 1, "name": "person", "supercategory": "person"}, {"id": 18, "name": "dog", "supercategory": "animal"}]}
            """);
        string captions = Write("captions.json", """
            {"images": [{"id": 2, "file_name": "b.jpg", "width": 100, "height": 80}],
             "annotations": [{"id": 1, "image_id": 1, "caption": "Two dogs and a person."}, {"id": 2, "image_id": 2, "caption": "An empty sky."}]}
            """);
        string output = Path.Combine(_dir, "out", "coco.jsonl");

        var (exit, log, error) = Cli("data", "import", "--from", "coco", "--in", instances, "--captions", captions, "--images", Path.Combine(_dir, "img"), "--out", output);

        Assert.True(exit == 0, error);
        Assert.Contains("instances.json: images[2]: the image", error, StringComparison.Ordinal);
        Assert.Contains("instances.json: annotations[4]: box [90, 70, 120, 100] lies outside", error, StringComparison.Ordinal);
        Assert.Contains("instances.json: annotations[5]: \"image_id\" names no image", error, StringComparison.Ordinal);
        Assert.Contains("wrote 2 records", log, StringComparison.Ordinal);
        var records = Load(output);
        var a = records.Single(r => r.ImageReference == "../img/a.jpg");
        Assert.Equal("dog, person", a.Grounding!.Sentence);
        var dogs = a.Grounding.Groundings[0];
        Assert.Equal("dog", dogs.Phrase);
        Assert.Equal([new(10, 20, 40, 60), new(50.5, 5, 70.5, 15)], dogs.Boxes);
        Assert.Single(a.Grounding.Groundings[1].Boxes); // the crowd box is left out
        Assert.Equal(["Two dogs and a person."], a.Captions);
        var b = records.Single(r => r.ImageReference == "../img/b.jpg");
        Assert.Null(b.Grounding);
        Assert.Equal(["An empty sky."], b.Captions);
    }

    [Fact]
    public void Odvg_referring_expressions_and_detections_become_grounding_records()
    {
        string odvg = Write("refs.odvg.jsonl",
            """{"filename": "a.jpg", "height": 80, "width": 100, "grounding": {"caption": "the dog on the left", "regions": [{"bbox": [1, 2, 30, 40], "phrase": "the dog on the left"}]}}""" + "\n" +
            "{not json\n" +
            """{"filename": "b.jpg", "height": 80, "width": 100, "detection": {"instances": [{"bbox": [5, 5, 20, 20], "label": 0, "category": "cat"}, {"bbox": [30, 5, 50, 20], "label": 0, "category": "cat"}]}}""" + "\n" +
            """{"filename": "b.jpg", "height": 80, "width": 100, "grounding": {"caption": "x", "regions": [{"bbox": [50, 50, 10, 10], "phrase": "x"}]}}""" + "\n");
        string output = Path.Combine(_dir, "img", "odvg.jsonl");

        var (exit, _, error) = Cli("data", "import", "--from", "odvg", "--in", odvg, "--images", Path.Combine(_dir, "img"), "--out", output);

        Assert.True(exit == 0, error);
        Assert.Contains("refs.odvg.jsonl:2: not valid JSON", error, StringComparison.Ordinal);
        Assert.Contains("refs.odvg.jsonl:4: phrases[0]: box [50, 50, 10, 10] is empty or inverted", error, StringComparison.Ordinal);
        var records = Load(output);
        Assert.Equal(2, records.Count);
        Assert.Equal("the dog on the left", records[0].Grounding!.Sentence);
        Assert.Equal([new(1, 2, 30, 40)], records[0].Grounding!.Groundings[0].Boxes);
        var cats = Assert.Single(records[1].Grounding!.Groundings);
        Assert.Equal(2, cats.Boxes.Count);

        var (failExit, _, failError) = Cli("data", "import", "--from", "odvg", "--in", odvg, "--images", Path.Combine(_dir, "img"), "--out", output, "--on-error", "fail");
        Assert.Equal(1, failExit);
        Assert.Contains("refs.odvg.jsonl:2: not valid JSON", failError, StringComparison.Ordinal);
    }

    [Fact]
    public void Llava_conversations_become_vqa_records()
    {
        string llava = Write("llava.json", """
            [{"id": "000001", "image": "img/a.jpg", "conversations": [
                {"from": "human", "value": "<image>\nWhat color is the sky?"}, {"from": "gpt", "value": "Blue."},
                {"from": "human", "value": "Is it day?"}, {"from": "gpt", "value": "Yes."}]},
             {"id": "000002", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
             {"id": "000003", "image": "img/b.jpg", "conversations": [{"from": "gpt", "value": "Out of turn"}]}]
            """);
        string output = Path.Combine(_dir, "llava.jsonl");

        var (exit, _, error) = Cli("data", "import", "--from", "llava", "--in", llava, "--out", output);

        Assert.True(exit == 0, error);
        Assert.Contains("llava.json: [1] (id 000002): no \"image\"", error, StringComparison.Ordinal);
        Assert.Contains("llava.json: [2] (id 000003): conversations[0] is from \"gpt\"", error, StringComparison.Ordinal);
        var record = Assert.Single(Load(output));
        Assert.Equal([new("What color is the sky?", "Blue."), new("Is it day?", "Yes.")], record.Questions);
    }
}
