using System.Text.Json;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Tests.Pipeline.FamilyRuns;

namespace VlmForge.Cli.Tests;

/// <summary>
/// SmolVLM with its processor's image splitting on, through the CLI: every image is cut into 12 px tiles plus a global
/// view as Idefics3's processor cuts it (the test snapshot: longest edge 36, tiles 12), so each has its own frames,
/// placeholder runs and row/col tokens, while boxes stay in pixels of the 12 x 12 global view.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class SmolImageSplittingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-smol-split-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Original -> longest edge 36 (even short side) -> multiples of 12 -> tiles; 4 tokens per frame (12 px / patch 2 / scale 3).
    // 36x24: no resize, 2 x 3 tiles. 20x40: 18x36 -> 24x36, 3 x 2. 30x30: 36x36, 3 x 3. 60x12: 36x8 (7 -> 8) -> 36x12, 1 x 3.
    private static readonly (string Name, int Width, int Height, TileGrid Tiles)[] Images =
    [
        ("wide", 36, 24, new TileGrid(2, 3)),
        ("tall", 20, 40, new TileGrid(3, 2)),
        ("square", 30, 30, new TileGrid(3, 3)),
        ("strip", 60, 12, new TileGrid(1, 3)),
    ];

    private const string Config = """
        [model]
        family = "smolvlm"
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
        learning_rate = 0.05
        batch_size = 4
        max_steps = 10
        checkpoint_interval = 10
        seed = 5

        [evaluation]
        max_new_tokens = 24
        do_sample = false
        constrain_json = true

        [dataset]
        path = "data"
        task = "mixed"

        [run]
        name = "split"
        threads = 1
        """;

    [Fact]
    public void Split_images_train_evaluate_and_generate_with_their_tiles()
    {
        var snapshot = TinySnapshots.WriteSplittingSmol(Path.Combine(_dir, "smol-snapshot"));
        SizedImageData.Write(Path.Combine(_dir, "data"), Images.Select(i => (i.Name, i.Width, i.Height)));
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, Config.Replace("{path}", snapshot.Replace('\\', '/')));

        var (exit, output, error) = Cli("train", "--config", config);
        Assert.True(exit == 0, error + output);
        Assert.Contains("images: split into 12x12 px tiles and a global view (split-12 (longest_edge 36))", output + error);
        var run = Path.Combine(_dir, "runs", "split");
        using (var usage = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model", "vlmforge.json"))))
        {
            Assert.Equal("split-12 (longest_edge 36)", usage.RootElement.GetProperty("image_resize").GetString());
            Assert.Equal("square-12px", usage.RootElement.GetProperty("box_convention").GetString());
        }

        // The run as eval and generate open it: each record's image split, its prompt with a run per frame and the tile tokens.
        using (var plugins = PluginCatalog.Load([]))
        using (var context = RunLoader.Open(run, plugins, TextWriter.Null))
        {
            foreach (var (name, _, _, tiles) in Images)
            {
                var example = context.Dataset!.Train.First(e => e.Record.ImagePath.EndsWith(name + ".png", StringComparison.Ordinal));
                var image = context.Images.Get(example.Record);
                Assert.Equal(tiles, image.Tiles);
                Assert.Equal(new ImageSize(12, 12 * tiles.Frames), image.Size);
                var ids = context.Encoder.EncodeTraining(example.UserText, example.Answer, image).InputIds;
                Assert.Equal(4 * tiles.Frames, ids.Count(id => id == context.Encoder.ImageTokenId));
                // <row_r_col_c> is id 272 + (r - 1) * 3 + (c - 1) in the test tokenizer: the last tile's token is there once.
                Assert.Single(ids, id => id == 272 + ((tiles.Rows - 1) * 3) + (tiles.Cols - 1));
            }
            // Boxes stay in pixels of the 12 x 12 global view: the strip's [30, 3, 60, 9] of 60x12 is [6, 3, 12, 9].
            var grounding = context.Dataset!.Train.First(e => e.Task == TaskKind.Grounding && e.Record.ImagePath.EndsWith("strip.png", StringComparison.Ordinal));
            Assert.Matches(@"\[\s*6,\s*3,\s*12,\s*9\s*\]", grounding.Answer);
            using var batch = context.Collator.CollateForTraining(Images
                .Select(i => context.Dataset.Train.First(e => e.Record.ImagePath.EndsWith(i.Name + ".png", StringComparison.Ordinal)))
                .Select(e => BatchInputs.TrainingItem(context.Encoder, context.Images, e)).ToList());
            Assert.Equal(Images.Select(i => new ImageSize(12, 12 * i.Tiles.Frames)), batch.ImageSizes!);
        }

        (exit, output, error) = Cli("eval", run);
        Assert.True(exit == 0, error + output);
        Assert.Equal(4 * 3, File.ReadAllLines(Path.Combine(run, "eval", "predictions.jsonl")).Length);

        // Generation on a 90x30 image the run never saw (1 x 3 tiles): boxes come back in its own pixels.
        var odd = Path.Combine(_dir, "odd.png");
        SizedImageData.Render(odd, 90, 30);
        (exit, output, error) = Cli("generate", run, "--image", odd, "--grounding", "--max-new-tokens", "400");
        Assert.True(exit == 0, error + output);
        Assert.True(error.Length == 0, error + output);
        SizedImageData.AssertBoxesInside(output, 90, 30);

        // A changed processor config would size images differently from the trained run: refused, not silently used.
        File.WriteAllText(Path.Combine(snapshot, "preprocessor_config.json"), """{ "do_image_splitting": false }""");
        (exit, output, error) = Cli("eval", run);
        Assert.Equal(1, exit);
        Assert.Contains("split its images as split-12 (longest_edge 36)", error);
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
