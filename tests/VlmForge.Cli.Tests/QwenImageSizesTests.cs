using System.Text.Json;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Tests.Pipeline.FamilyRuns;

namespace VlmForge.Cli.Tests;

/// <summary>
/// Qwen2.5-VL with images of four sizes and aspects mixed in every batch, through the CLI: each image is smart-resized on
/// its own (the test snapshot: factor 4, 64..256 pixels), so each has its own image token count and box coordinates.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class QwenImageSizesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-qwen-sizes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Original size -> smart resize (factor 4, min 64, max 256 px) -> image tokens, from the reference formula:
    // 48x24: 1152 px > 256, beta = sqrt(1152 / 256) = 2.121: floor(48 / 2.121 / 4) * 4 = 20, floor(24 / 2.121 / 4) * 4 = 8.
    // 20x40: beta = sqrt(800 / 256) = 1.768: 8 x 20. 32x32: beta = 2: 16 x 16. 60x16: beta = 1.936: 28 x 8.
    private static readonly (string Name, int Width, int Height, ImageSize Model, int Tokens)[] Images =
    [
        ("wide", 48, 24, new ImageSize(20, 8), 5 * 2),
        ("tall", 20, 40, new ImageSize(8, 20), 2 * 5),
        ("square", 32, 32, new ImageSize(16, 16), 4 * 4),
        ("strip", 60, 16, new ImageSize(28, 8), 7 * 2),
    ];

    private const string Config = """
        [model]
        family = "qwen2_5_vl"
        size = "small"
        path = "{path}"
        training_mode = "lora"
        lora_rank = 4
        lora_alpha = 8
        lora_dropout = 0.0
        quantization = "none"
        precision = "fp32"

        [training]
        epochs = 1
        learning_rate = 0.01
        batch_size = 4
        max_steps = 2
        checkpoint_interval = 2
        seed = 5

        [evaluation]
        max_new_tokens = 24
        do_sample = false
        constrain_json = true

        [dataset]
        path = "data"
        task = "mixed"

        [run]
        name = "sizes"
        threads = 1
        """;

    [Fact]
    public void Mixed_image_sizes_train_evaluate_and_generate_each_at_its_own_size()
    {
        var snapshot = TinySnapshots.WriteQwen(Path.Combine(_dir, "qwen-snapshot"));
        SizedImageData.Write(Path.Combine(_dir, "data"), Images.Select(i => (i.Name, i.Width, i.Height)));
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, Config.Replace("{path}", snapshot.Replace('\\', '/')));

        var (exit, output, error) = Cli("train", "--config", config);
        Assert.True(exit == 0, error + output);
        Assert.Contains("images: each sized on its own (smart-resize-4 (min_pixels 64, max_pixels 256)), the largest 16x16 px", output + error);
        var run = Path.Combine(_dir, "runs", "sizes");
        using (var usage = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model", "vlmforge.json"))))
        {
            Assert.Equal("smart-resize-4 (min_pixels 64, max_pixels 256)", usage.RootElement.GetProperty("image_resize").GetString());
        }

        // The run as eval and generate open it: each record's image at its own size, placeholders and boxes to match.
        using (var plugins = PluginCatalog.Load([]))
        using (var context = RunLoader.Open(run, plugins, TextWriter.Null))
        {
            foreach (var (name, width, height, model, tokens) in Images)
            {
                var example = context.Dataset!.Train.First(e => e.Record.ImagePath.EndsWith(name + ".png", StringComparison.Ordinal));
                Assert.Equal(model, context.Images.Get(example.Record).Size);
                var encoded = context.Encoder.EncodeTraining(example.UserText, example.Answer, context.Images.Get(example.Record).Size);
                Assert.Equal(tokens, encoded.InputIds.Count(id => id == context.Encoder.ImageTokenId));
            }
            // The strip's box [30, 4, 60, 12] of 60x16 is [14, 2, 28, 6] of its 28x8 model image.
            var grounding = context.Dataset!.Train.First(e => e.Task == TaskKind.Grounding && e.Record.ImagePath.EndsWith("strip.png", StringComparison.Ordinal));
            Assert.Matches(@"\[\s*14,\s*2,\s*28,\s*6\s*\]", grounding.Answer);
            // A batch of the four sizes carries each image's size.
            using var batch = context.Collator.CollateForTraining(Images
                .Select(i => context.Dataset.Train.First(e => e.Record.ImagePath.EndsWith(i.Name + ".png", StringComparison.Ordinal)))
                .Select(e => BatchInputs.TrainingItem(context.Encoder, context.Images, e)).ToList());
            Assert.Equal(Images.Select(i => i.Model), batch.ImageSizes!);
        }

        (exit, output, error) = Cli("eval", run);
        Assert.True(exit == 0, error + output);
        var predictions = File.ReadAllLines(Path.Combine(run, "eval", "predictions.jsonl"));
        Assert.Equal(4 * 3, predictions.Length); // 4 validation records x (grounding, question, caption)

        // diagnose measures the mixed sizes too: the image-token spread is a number (images compared within equal token counts).
        (exit, output, error) = Cli("diagnose", run);
        Assert.True(exit == 0, error + output);
        using (var diagnosis = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "diagnosis.json"))))
        {
            foreach (var task in diagnosis.RootElement.GetProperty("tasks").EnumerateArray())
            {
                var spread = task.GetProperty("image_token_spread");
                Assert.True(spread.ValueKind == JsonValueKind.Number && spread.GetDouble() > 0, task.ToString());
            }
        }
        Assert.DoesNotContain("n/a", output);

        // Generation on an image of a size the run never saw: boxes come back in that image's own pixels.
        var odd = Path.Combine(_dir, "odd.png");
        SizedImageData.Render(odd, 90, 30);
        (exit, output, error) = Cli("generate", run, "--image", odd, "--grounding", "--max-new-tokens", "400");
        Assert.True(exit == 0, error + output);
        Assert.True(error.Length == 0, error + output); // constrained decoding closes the JSON
        SizedImageData.AssertBoxesInside(output, 90, 30);
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
