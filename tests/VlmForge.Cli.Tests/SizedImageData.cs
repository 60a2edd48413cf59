using System.Text.Json;
using SkiaSharp;
using VlmForge.Data.Images;

namespace VlmForge.Cli.Tests;

/// <summary>
/// A mixed-task dataset (grounding, a question, a caption) of images with given names and sizes, in a train and a
/// validation split: each image white with a red box over the right half of its lower half, which is also its grounding box.
/// </summary>
internal static class SizedImageData
{
    public static void Write(string folder, IEnumerable<(string Name, int Width, int Height)> images)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var list = images.ToList();
        foreach (var split in new[] { "train", "validation" })
        {
            var lines = new List<string>();
            foreach (var (name, width, height) in list)
            {
                var file = $"images/{split}-{name}.png";
                Render(Path.Combine(folder, file), width, height);
                // The right half of the lower half, in original pixels.
                int[] box = [width / 2, height / 4, width, height * 3 / 4];
                lines.Add(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["image"] = file,
                    ["phrase_grounding"] = new { sentence = "a red box", groundings = new[] { new { phrase = "a red box", grounding = new[] { box } } } },
                    ["qa"] = new[] { new { question = "What color is the box?", answer = "red" } },
                    ["caption"] = "A red box.",
                }));
            }
            File.WriteAllLines(Path.Combine(folder, split + ".jsonl"), lines);
        }
    }

    public static void Render(string path, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(width / 2f, height / 4f, width / 2f, height / 2f, paint);
        }
        PngWriter.Save(bitmap, path);
    }

    /// <summary>Every box of a generated grounding answer lies inside a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static void AssertBoxesInside(string answerJson, int width, int height)
    {
        using var answer = JsonDocument.Parse(answerJson.Trim());
        var boxes = answer.RootElement.GetProperty("phrase_grounding").GetProperty("groundings").EnumerateArray()
            .SelectMany(g => g.GetProperty("grounding").EnumerateArray()).ToList();
        Assert.True(boxes.Count > 0, answerJson);
        foreach (var box in boxes)
        {
            var c = box.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.True(c[0] >= 0 && c[2] <= width && c[1] >= 0 && c[3] <= height, $"box {string.Join(", ", c)} outside the {width}x{height} image");
        }
    }
}
