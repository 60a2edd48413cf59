using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Families.SmolVlm;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

public class SmolVlmModelTests
{
    [Fact]
    public void Pixel_shuffle_folds_each_scale_square_of_patches_into_one_token()
    {
        using var scope = NewDisposeScope();
        // A 4 x 4 grid of 1-wide patches, value = 4·row + column, scale 2.
        var grid = arange(16, ScalarType.Float32).view(1, 16, 1);

        var shuffled = Idefics3Connector.PixelShuffle(grid, 2);

        Assert.Equal(new long[] { 1, 4, 4 }, shuffled.shape);
        // Idefics3's order: token (i, j) takes rows 2i..2i+1 and columns 2j..2j+1, row-major inside.
        Assert.Equal(new float[] { 0, 1, 4, 5 }, shuffled[0, 0].data<float>().ToArray());
        Assert.Equal(new float[] { 2, 3, 6, 7 }, shuffled[0, 1].data<float>().ToArray());
        Assert.Equal(new float[] { 8, 9, 12, 13 }, shuffled[0, 2].data<float>().ToArray());
    }

    [Fact]
    public void An_image_at_the_encoder_size_is_grid_over_scale_squared_tokens()
    {
        var config = FamilyFixtures.SmolConfig();
        using var model = FamilyFixtures.Build(config, FamilyFixtures.Full());
        using var scope = NewDisposeScope();

        Assert.Equal(4, model.ImageTokenCount); // 12 px / patch 2 = 6; 6 / scale 3 = 2; 2² = 4
        Assert.Equal(12, model.ImageSize);
        var output = model.Forward(FamilyFixtures.SmolBatch([5, 3]));
        Assert.True(float.IsFinite(output.Loss!.item<float>()));

        var wrong = FamilyFixtures.SmolBatch([5]) with { PixelValues = randn(1, 3, 16, 16) };
        var error = Assert.Throws<ArgumentException>(() => model.Forward(wrong));
        Assert.Contains("[N, 3, 12, 12]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_of_a_split_and_an_unsplit_image_gives_each_row_the_logits_it_gets_alone()
    {
        // Row 0: an image split into 2 x 3 tiles + the global view, a strip of 7 frames (84 x 12 px), 7 x 4 placeholders.
        // Row 1: one 12 px frame, 4 placeholders, padded below to the strip's height.
        using var model = FamilyFixtures.Build(FamilyFixtures.SmolConfig(), FamilyFixtures.Full());
        model.train(false);
        using var scope = NewDisposeScope();
        var split = FamilyFixtures.SmolBatch([4], frames: 7, seed: 3);
        var single = FamilyFixtures.SmolBatch([2], seed: 5);

        var alone = new[] { model.Forward(split).Logits, model.Forward(single).Logits };
        var both = model.Forward(FamilyFixtures.CombinePadded(split, single));

        TensorAssert.AssertRowsMatchAlone(both.Logits, alone);
        // Every frame is read in its place: the strip's frames in reverse order give other logits.
        var reversed = split with { PixelValues = split.PixelValues!.view(1, 3, 7, 12, 12).flip(2).reshape(1, 3, 84, 12) };
        Assert.False(model.Forward(reversed).Logits.allclose(alone[0], rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void A_split_batch_trains_the_vision_tower_and_strips_of_another_width_are_refused()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.SmolConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var inputs = FamilyFixtures.CombinePadded(FamilyFixtures.SmolBatch([4], frames: 4, seed: 3), FamilyFixtures.SmolBatch([3], frames: 2, seed: 4));

        var output = model.Forward(inputs);
        output.Loss!.backward();

        Assert.Equal(3 + 2, output.LabelTokens!.item<long>());
        var patches = model.named_parameters().Single(p => p.name == "model.vision_model.embeddings.patch_embedding.weight").parameter.grad;
        Assert.True(patches is not null && patches.abs().sum().item<float>() > 0);
        var wrong = FamilyFixtures.SmolBatch([3], frames: 2) with { ImageSizes = [new ImageExtent(20, 12)] };
        var error = Assert.Throws<ArgumentException>(() => model.Forward(wrong));
        Assert.Contains("[N, 3, k x 12, 12]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_smolvlm_size_gives_81_image_tokens()
    {
        var config = VlmForge.Models.Presets.ModelPresets.Find(ModelFamilies.SmolVlm, "small").Config as Idefics3Config;

        Assert.NotNull(config);
        Assert.Equal(81, config.ImageTokenCount); // 384 / 14 = 27 patches per side, 27 / 3 = 9
    }

    [Fact]
    public void Cached_decoding_gives_the_logits_of_a_full_recompute()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.SmolConfig(), FamilyFixtures.Full());
        FamilyGeneration.AssertCacheMatchesRecompute(model, FamilyFixtures.SmolBatch([5, 2, 4]), steps: 4, tolerance: 1e-4);
    }

    [Fact]
    public void Lora_training_lowers_the_loss_and_changes_only_the_adapters()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.SmolConfig(), FamilyFixtures.LoraSetup(targets: ["q_proj", "v_proj", "fc1", "proj", "lm_head"]));
        using var scope = NewDisposeScope();
        var frozenBefore = model.named_parameters().Where(p => !p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var batch = FamilyFixtures.SmolBatch([8, 6]);

        var losses = FamilyGeneration.Train(model, batch, steps: 12, learningRate: 1e-2);

        Assert.True(losses[^1] < losses[0] * 0.8, $"loss should fall by 20%: {string.Join(", ", losses)}");
        Assert.Contains(model.TrainableParameters(), p => p.Name == "model.connector.modality_projection.proj.lora_A.weight");
        Assert.Contains(model.TrainableParameters(), p => p.Name == "model.vision_model.encoder.layers.1.self_attn.q_proj.lora_B.weight");
        Assert.All(model.TrainableParameters(), p => Assert.Contains(".lora_", p.Name, StringComparison.Ordinal));
        foreach (var (name, parameter) in model.named_parameters().Where(p => !p.parameter.requires_grad))
        {
            Assert.True(frozenBefore[name].eq(parameter).all().item<bool>(), $"{name} changed");
        }
    }
}
