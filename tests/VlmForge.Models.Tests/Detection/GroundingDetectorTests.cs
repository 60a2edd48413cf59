using VlmForge.Models.Detection;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Families;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Detection;

public class GroundingDetectorTests
{
    private const int Side = 32;

    /// <summary>A detector-vision tiny model for 32 px images; number tokens 8..40 stand for coordinates 0..32.</summary>
    private static TinyVlmConfig Config() => TestModels.SmallConfig(vocabSize: 60) with
    {
        ImageSize = Side,
        VisionType = TinyVisionType.Detector,
        DetectorWidth = 16,
        DetectorMaxObjects = 2,
        CoordinateTokenIds = Enumerable.Range(8, Side + 1).ToArray(),
    };

    /// <summary>One filled square per image on black: red for the even images, green for the odd ones.</summary>
    private static (Tensor Pixels, IReadOnlyList<IReadOnlyList<ImageRegion>> Regions) Squares(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 3 * Side * Side];
        var regions = new List<IReadOnlyList<ImageRegion>>();
        for (int image = 0; image < count; image++)
        {
            int size = random.Next(6, 11);
            int x = random.Next(0, Side - size);
            int y = random.Next(0, Side - size);
            int channel = image % 2;
            for (int r = y; r < y + size; r++)
            {
                for (int c = x; c < x + size; c++)
                {
                    pixels[(image * 3 * Side * Side) + (channel * Side * Side) + (r * Side) + c] = 1;
                }
            }
            regions.Add([new ImageRegion(x, y, x + size, y + size, [50 + channel, 55])]);
        }
        return (tensor(pixels, [count, 3L, Side, Side]), regions);
    }

    [Fact]
    public void The_image_tokens_and_the_detection_loss_are_finite_and_shaped_by_the_config()
    {
        var config = Config();
        using var model = TestModels.Build(new ModelSetup { Mode = TrainingMode.Full }, config: config);
        Assert.Equal((2 * GroundingDetector.TokensPerObject) + GroundingDetector.FeatureTokens, config.ImageTokenCount);
        var (pixels, regions) = Squares(3, seed: 1);
        var batch = TestModels.Batch(config, [config.ImageTokenCount + 6, config.ImageTokenCount + 8, config.ImageTokenCount + 5]);
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.True(parameter.isfinite().all().item<bool>(), $"{name} starts finite"); // TorchSharp leaves GroupNorm uninitialized
        }
        var output = model.Forward(batch with { PixelValues = pixels, Regions = regions });
        Assert.True(float.IsFinite(output.Loss!.item<float>()), "language-model loss");
        Assert.NotNull(output.AuxiliaryLoss);
        Assert.True(float.IsFinite(output.AuxiliaryLoss!.item<float>()), "detection loss");
        Assert.Null(model.Forward(batch with { PixelValues = pixels }).AuxiliaryLoss);
    }

    [Fact]
    public void A_region_trains_the_cell_holding_its_centre_with_its_words_and_corner_offsets()
    {
        var targets = DetectorTargets.Build([[new ImageRegion(10, 3, 20, 9, [4, 7])], []], imageSize: 32, grid: 4, vocabSize: 10);

        int cell = (0 * 4) + 1; // centre (15, 6): column 1, row 0 of the 8-pixel grid
        Assert.Equal([cell], targets.Positives);
        Assert.Equal(1f, targets.Objectness[cell]);
        Assert.Equal(1f, targets.Objectness.Sum());
        Assert.Equal([0f, 0, 0, 0, 1, 0, 0, 1, 0, 0], targets.Words);
        // Offsets in pixels from the cell's corner (8, 0).
        Assert.Equal([10f - 8, 3 - 0, 20 - 8, 9 - 0], targets.RelativeCoordinates);
    }

    [Fact]
    public void Trained_on_its_own_objective_the_detector_writes_held_out_boxes_and_words_as_tokens()
    {
        manual_seed(3);
        var coordinates = Enumerable.Range(8, Side + 1).ToArray();
        // A wide text side: each word's fixed code (random signs of size 1/sqrt(width)) then barely moves the basis vectors.
        using var detector = new GroundingDetector(Side, 32, 60, 1024, 2, coordinates, ScalarType.Float32, CPU);
        using var optimizer = optim.AdamW(detector.ObjectiveParameters, lr: 3e-3, weight_decay: 0);
        for (int step = 0; step < 150; step++)
        {
            using var scope = NewDisposeScope();
            var (pixels, regions) = Squares(16, seed: step);
            optimizer.zero_grad();
            detector.ObjectiveLoss(pixels, regions).Total.backward();
            optimizer.step();
        }

        using var check = NewDisposeScope();
        var (heldOut, truth) = Squares(8, seed: 10_000);
        var table = eye(60, 1024); // token i is the basis vector i: the tokens can be read back (up to the small codes)
        var maps = detector.call(heldOut);
        var tokens = detector.Tokens(maps, table);
        int hits = 0;
        var seen = new List<string>();
        for (int image = 0; image < 8; image++)
        {
            var region = truth[image][0];
            // Slot 0's x1 token is a mixture of coordinate tokens 8..40; its largest component names the coordinate.
            var x1 = tokens[image, 1].narrow(0, 8, Side + 1).argmax().item<long>();
            var phrase = tokens[image, 0];
            // The phrase token is the sum of the words' basis vectors weighted by their probabilities (colour 50/51, and 55).
            bool colourRight = phrase[50 + (image % 2)].item<float>() > 0.5f && phrase[50 + (1 - (image % 2))].item<float>() < 0.5f;
            hits += Math.Abs(x1 - (long)region.X1) <= 1 && colourRight ? 1 : 0;
            seen.Add($"x1 {x1} vs {region.X1}, colour {phrase[50].item<float>():F2}/{phrase[51].item<float>():F2}/{phrase[55].item<float>():F2}");
        }
        Assert.True(hits >= 7, $"{hits} of 8 held-out squares read back with the right x1 (±1 px) and colour word: {string.Join("; ", seen)}");
    }

    [Fact]
    public void Words_with_the_same_embedding_still_give_different_phrase_tokens_from_their_fixed_codes()
    {
        // The decoder learns words of one kind (the shapes, the colours) as near-parallel embeddings; summed into a phrase
        // token they were unreadable until each word also carried a fixed code of its own.
        manual_seed(4);
        var coordinates = Enumerable.Range(8, Side + 1).ToArray();
        using var detector = new GroundingDetector(Side, 16, 60, 256, 1, coordinates, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        var table = zeros(60, 256);
        var maps = detector.call(zeros(2, 3, Side, Side));
        // Two images whose one object is word 50 and word 51; both words have the same (zero) embedding.
        var words = full(2, maps.Words.shape[1], 60, -20f);
        words[0, .., 50] = tensor(20f);
        words[1, .., 51] = tensor(20f);
        var forced = new DetectorMaps(full_like(maps.Objectness, 20f), words, maps.Coordinates, maps.Features);
        var tokens = detector.Tokens(forced, table);
        var first = tokens[0, 0];
        var second = tokens[1, 0];
        double cosine = (first.dot(second) / (first.norm() * second.norm())).item<float>();
        Assert.True(cosine < 0.9, $"phrase tokens of two words with one embedding: cosine {cosine:F3}");

        // The codes are not parameters: a checkpoint holds what it held before, and two detectors agree on them.
        Assert.DoesNotContain(detector.state_dict().Keys, k => k.Contains("code", StringComparison.OrdinalIgnoreCase));
        using var again = new GroundingDetector(Side, 16, 60, 256, 1, coordinates, ScalarType.Float32, CPU);
        again.load_state_dict(detector.state_dict());
        Assert.True(again.Tokens(forced, table).allclose(tokens));
    }

    [Fact]
    public void Frozen_for_lora_the_detector_has_no_trainable_parameter_left()
    {
        using var model = TestModels.Build(new ModelSetup { Mode = TrainingMode.Lora, Lora = new VlmForge.Models.Lora.LoraSettings(2, 4, 0, ["q_proj", "v_proj"]) }, config: Config());
        var objective = ((IVisionObjectiveSource)model).VisionObjective!;
        Assert.False(objective.Trainable);
        Assert.All(model.TrainableParameters(), p => Assert.Contains("lora_", p.Name));
    }

    [Fact]
    public void A_word_links_to_the_one_detection_whose_phrase_holds_it_and_a_word_of_every_phrase_links_to_none()
    {
        manual_seed(5);
        var coordinates = Enumerable.Range(8, Side + 1).ToArray();
        using var detector = new GroundingDetector(Side, 16, 60, 256, 2, coordinates, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        var table = eye(60, 256);
        var maps = detector.call(zeros(1, 3, Side, Side));
        // Two detections: "a red star" (words 10, 50, 55) in cell 0 and "a blue circle" (10, 51, 56) in cell 1.
        var objectness = full_like(maps.Objectness, -20f);
        objectness[0, 0] = tensor(20f);
        objectness[0, 1] = tensor(20f);
        var words = full(1, maps.Words.shape[1], 60, -20f);
        foreach (var word in new[] { 10, 50, 55 })
        {
            words[0, 0, word] = tensor(20f);
        }
        foreach (var word in new[] { 10, 51, 56 })
        {
            words[0, 1, word] = tensor(20f);
        }
        var readout = detector.Read(new DetectorMaps(objectness, words, maps.Coordinates, maps.Features), table, withTextLinks: true);
        var links = readout.TextLinks!;
        Assert.Equal([1L, 60, 256], links.shape);

        // The slots are ordered left to right; find each detection's phrase token by its colour word.
        int starSlot = readout.Tokens[0, 0][50].item<float>() > 0.5f ? 0 : 1;
        var starPhrase = readout.Tokens[0, starSlot * GroundingDetector.TokensPerObject];
        var circlePhrase = readout.Tokens[0, (1 - starSlot) * GroundingDetector.TokensPerObject];
        TensorAssert.Close(starPhrase, links[0, 55], atol: 1e-4, what: "\"star\" carries the star's phrase token");
        TensorAssert.Close(starPhrase, links[0, 50], atol: 1e-4, what: "\"red\" carries the red detection's phrase token");
        TensorAssert.Close(circlePhrase, links[0, 56], atol: 1e-4, what: "\"circle\" carries the circle's phrase token");
        Assert.True(links[0, 10].abs().max().item<float>() < 1e-4, "\"a\", a word of both phrases, names neither detection");
        Assert.True(links[0, 30].abs().max().item<float>() < 1e-4, "a word of no phrase links to nothing");
        Assert.Null(detector.Read(new DetectorMaps(objectness, words, maps.Coordinates, maps.Features), table, withTextLinks: false).TextLinks);
    }

    [Fact]
    public void With_text_links_cached_decoding_gives_the_logits_of_a_full_recompute_and_the_links_change_them()
    {
        var config = Config() with { DetectorTextLinks = true };
        using var model = TestModels.Build(new ModelSetup { Mode = TrainingMode.Full }, config: config);
        using var unlinked = TestModels.Build(new ModelSetup { Mode = TrainingMode.Full }, config: Config());
        foreach (var m in new[] { model, unlinked })
        {
            using var noGradient = no_grad();
            // Every cell detects something, with random phrase words: the links are not empty.
            m.named_parameters().Single(p => p.name == "detector.head_out.bias").parameter[0] = tensor(10f);
            m.eval();
        }
        var batch = TestModels.Batch(config, [config.ImageTokenCount + 6, config.ImageTokenCount + 4, config.ImageTokenCount + 6]);
        FamilyGeneration.AssertCacheMatchesRecompute(model, batch, steps: 3, tolerance: 1e-4);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var full = model.Forward(batch).Logits;
        var without = unlinked.Forward(batch).Logits;
        Assert.False(without.allclose(full, atol: 1e-3), "the same weights without text links give the same logits: the links did nothing");
    }
}
