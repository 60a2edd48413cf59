using SkiaSharp;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Data.Randomness;
using VlmForge.Data.Synthetic;
using VlmForge.Data.Tests.Support;

namespace VlmForge.Data.Tests.Synthetic;

public sealed class ShapesDatasetTests : IDisposable
{
    private static readonly ShapesDatasetOptions Small = new() { ImageSize = 64, TrainCount = 24, ValidationCount = 8, Seed = 5 };
    private readonly TempFolder _folder = new();

    private static Dictionary<string, byte[]> Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void The_same_seed_writes_byte_identical_files()
    {
        ShapesDatasetGenerator.Generate(_folder.File("a"), Small);
        ShapesDatasetGenerator.Generate(_folder.File("b"), Small);
        Dictionary<string, byte[]> a = Files(_folder.File("a")), b = Files(_folder.File("b"));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Equal(24 + 8 + 3, a.Count);
        Assert.All(a, pair => Assert.True(pair.Value.AsSpan().SequenceEqual(b[pair.Key]), $"{pair.Key} differs"));

        ShapesDatasetGenerator.Generate(_folder.File("c"), Small with { Seed = 6 });
        Assert.False(a["train.jsonl"].AsSpan().SequenceEqual(File.ReadAllBytes(_folder.File("c/train.jsonl"))));
    }

    [Fact]
    public void Generated_files_load_without_a_single_problem()
    {
        ShapesDatasetSummary summary = ShapesDatasetGenerator.Generate(_folder.Path, Small);
        DatasetLayout layout = DatasetLayout.FromPath(_folder.Path);
        DatasetLoadResult train = JsonlDatasetLoader.Load(layout.TrainFile, new DatasetLoadOptions { ImageCheck = ImageCheck.FullDecode });
        DatasetLoadResult validation = JsonlDatasetLoader.Load(layout.ValidationFile!);
        Assert.Empty(train.Problems);
        Assert.Empty(validation.Problems);
        Assert.Equal(24, train.Records.Count);
        Assert.Equal(8, validation.Records.Count);
        Assert.Equal(summary.QuestionCount, train.Records.Concat(validation.Records).Sum(r => r.Questions.Count));
        Assert.True(ShapesDatasetGenerator.IsUpToDate(_folder.Path, Small));
        Assert.False(ShapesDatasetGenerator.IsUpToDate(_folder.Path, Small with { TrainCount = 25 }));
    }

    [Fact]
    public void Records_describe_what_the_images_show()
    {
        ShapesDatasetGenerator.Generate(_folder.Path, Small);
        foreach (DatasetRecord record in JsonlDatasetLoader.Load(_folder.File("train.jsonl")).Records)
        {
            var grounding = record.Grounding!;
            int count = grounding.Groundings.Count;
            Assert.InRange(count, 1, 3);
            Assert.Equal("How many shapes are there?", record.Questions[0].Question);
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), record.Questions[0].Answer);
            Assert.StartsWith(char.ToUpperInvariant(grounding.Sentence[0]) + grounding.Sentence[1..], record.Captions[0], StringComparison.Ordinal);

            using SKBitmap image = ImageDecoder.Decode(record.ImagePath);
            foreach (var phrase in grounding.Groundings)
            {
                // "a red circle": the pixel at the box centre is inside every shape and has the shape's colour.
                string colorName = phrase.Phrase.Split(' ')[1];
                SKColor expected = NamedColor.ShapeColors.Single(c => c.Name == colorName).Color;
                var box = phrase.Boxes.Single();
                SKColor centre = image.GetPixel((int)((box.X1 + box.X2) / 2), (int)((box.Y1 + box.Y2) / 2));
                Assert.Equal(expected, centre.WithAlpha(255));
            }

            string colorAnswer = record.Questions[1].Answer;
            string askedShape = record.Questions[1].Question.Split(' ')[^1].TrimEnd('?');
            Assert.Contains(grounding.Groundings, g => g.Phrase.EndsWith($" {colorAnswer} {askedShape}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Phrases_take_an_before_a_vowel()
    {
        Assert.Equal("an orange star", new PlacedShape(ShapeKind.Star, NamedColor.ShapeColors.Single(c => c.Name == "orange"), 0, 0, 10).Phrase);
        Assert.Equal("a red circle", new PlacedShape(ShapeKind.Circle, NamedColor.ShapeColors.Single(c => c.Name == "red"), 0, 0, 10).Phrase);
    }

    [Fact]
    public void Shapes_in_a_scene_never_overlap_and_have_distinct_kinds_and_colours()
    {
        for (ulong i = 0; i < 200; i++)
        {
            ShapeScene scene = ShapeSceneSampler.Sample(SplitMix64.For(9, i), Small);
            Assert.Equal(scene.Shapes.Count, scene.Shapes.Select(s => s.Kind).Distinct().Count());
            Assert.Equal(scene.Shapes.Count, scene.Shapes.Select(s => s.Color).Distinct().Count());
            foreach (var a in scene.Shapes)
            {
                Assert.True(a.Box.IsInside(new Data.Geometry.ImageSize(64, 64)));
                foreach (var b in scene.Shapes.Where(s => s != a))
                {
                    Assert.Equal(0, Data.Geometry.BoundingBox.IoU(a.Box, b.Box));
                }
            }
        }
    }

    [Fact]
    public void Position_answers_follow_the_shape_centre()
    {
        ShapesDatasetGenerator.Generate(_folder.Path, Small);
        var asked = JsonlDatasetLoader.Load(_folder.File("train.jsonl")).Records
            .SelectMany(r => r.Questions.Where(q => q.Question.EndsWith("on the left or the right?", StringComparison.Ordinal)).Select(q => (r, q)))
            .ToList();
        Assert.NotEmpty(asked);
        foreach ((DatasetRecord record, QuestionAnswer qa) in asked)
        {
            string colorAndShape = qa.Question["Is the ".Length..qa.Question.IndexOf(" on the", StringComparison.Ordinal)];
            var box = record.Grounding!.Groundings.Single(g => g.Phrase.EndsWith(" " + colorAndShape, StringComparison.Ordinal)).Boxes[0];
            Assert.Equal((box.X1 + box.X2) / 2 < 32 ? "left" : "right", qa.Answer);
        }
    }

    [Fact]
    public void Impossible_options_are_refused_with_the_setting_name()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ShapesDatasetGenerator.Generate(_folder.Path, Small with { MaxShapes = 5 }));
        Assert.Contains("MaxShapes", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
