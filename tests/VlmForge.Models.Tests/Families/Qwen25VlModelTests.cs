using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

public class Qwen25VlModelTests
{
    [Fact]
    public void Forward_gives_logits_for_every_position_and_a_finite_loss()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var batch = FamilyFixtures.QwenBatch([6, 4]);

        var output = model.Forward(batch);

        Assert.Equal(new long[] { 2, batch.InputIds.shape[1], 64 }, output.Logits.shape);
        Assert.True(float.IsFinite(output.Loss!.item<float>()));
        // Row 0: 5 label tokens after the first; row 1: 3.
        Assert.Equal(8, output.LabelTokens!.item<long>());
        Assert.Equal(16, ((Qwen25VlModel)model).ImageTokenCountFor(16, 16));
        Assert.Equal(64, model.ImageSize); // 16 tokens of 4 px per side by default
    }

    [Fact]
    public void Non_square_images_take_rows_times_columns_tokens()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var batch = FamilyFixtures.QwenBatch([3], imageHeight: 8, imageWidth: 20);

        var output = model.Forward(batch);

        Assert.Equal(3 + 1 + 10 + 1 + 3, output.Logits.shape[1]);
    }

    [Fact]
    public void A_placeholder_count_that_does_not_match_the_image_size_is_refused()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var batch = FamilyFixtures.QwenBatch([3]); // 16 placeholders for a 16 x 16 image
        var wrongSize = randn(1, 3, 16, 20);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(batch with { PixelValues = wrongSize }));
        Assert.Contains("16 image placeholder tokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("need 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windowed_blocks_keep_a_change_inside_its_window()
    {
        // One windowed block, no full attention: features of tokens outside the changed window must not move.
        var config = FamilyFixtures.QwenConfig(fullAttentionBlocks: [], depth: 1);
        using var model = (Qwen25VlModel)FamilyFixtures.Build(config, FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tower = model.named_children().Single(c => c.name == "visual").module as nn.Module<Tensor, Tensor>;
        var pixels = randn(1, 3, 16, 16);
        var changed = pixels.clone();
        changed[0, .., 0..8, 0..8] = randn(3, 8, 8); // the top-left window (2 x 2 tokens)

        var before = tower!.call(pixels)[0];
        var after = tower.call(changed)[0];

        var moved = (before - after).abs().amax([1L]).gt(1e-6).data<bool>().ToArray();
        // Tokens are row-major over the 4 x 4 token grid; the top-left window is tokens 0, 1, 4, 5.
        Assert.Equal([true, true, false, false, true, true, false, false, false, false, false, false, false, false, false, false], moved);
    }

    [Theory]
    [InlineData(16, 16)] // one full window
    [InlineData(16, 12)] // one window cut short by the image edge: padded slots must be hidden
    public void A_window_that_covers_the_image_attends_like_full_attention(int height, int width)
    {
        var windowedJson = FamilyFixtures.QwenConfigJson(fullAttentionBlocks: [], depth: 1);
        windowedJson["vision_config"]!["window_size"] = 16;
        var windowed = Qwen25VlConfig.Parse(windowedJson.ToJsonString(), "windowed");
        var full = FamilyFixtures.QwenConfig(fullAttentionBlocks: [0], depth: 1);
        using var windowedModel = FamilyFixtures.Build(windowed, FamilyFixtures.Full(), seed: 5);
        using var fullModel = FamilyFixtures.Build(full, FamilyFixtures.Full(), seed: 5);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = FamilyFixtures.QwenBatch([3, 2], imageHeight: height, imageWidth: width) with { Labels = null };

        TensorAssert.Close(fullModel.Forward(batch).Logits, windowedModel.Forward(batch).Logits, atol: 1e-5);
    }

    [Fact]
    public void The_window_layout_puts_every_patch_in_one_slot_and_pads_cut_windows()
    {
        using var scope = NewDisposeScope();
        var config = FamilyFixtures.QwenConfig().Vision; // windows of 4 x 4 patches
        var layout = WindowLayout.For(16, 12, config, CPU); // 8 x 6 patches: 2 x 2 windows, the right ones 2 wide

        Assert.Equal((4L, 16L), (layout.Windows, layout.TokensPerWindow));
        Assert.Equal(Enumerable.Range(0, 48).Select(i => (long)i), layout.Gather.index_select(0, layout.Scatter).data<long>().ToArray());
        Assert.Equal(48, layout.KeyMask.sum().item<long>());
        Assert.Equal(new long[] { 16, 8, 16, 8 }, layout.KeyMask.sum([1L]).data<long>().ToArray());
    }

    [Fact]
    public void Cached_decoding_gives_the_logits_of_a_full_recompute()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        FamilyGeneration.AssertCacheMatchesRecompute(model, FamilyFixtures.QwenBatch([5, 2, 4]), steps: 4, tolerance: 1e-4);
    }

    [Fact]
    public void Lora_training_lowers_the_loss_and_changes_only_the_adapters()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.LoraSetup(targets: ["q_proj", "v_proj", "qkv", "up_proj", "lm_head"]));
        using var scope = NewDisposeScope();
        var frozenBefore = model.named_parameters().Where(p => !p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var batch = FamilyFixtures.QwenBatch([8, 6]);

        var losses = FamilyGeneration.Train(model, batch, steps: 12, learningRate: 1e-2);

        Assert.True(losses[^1] < losses[0] * 0.8, $"loss should fall by 20%: {string.Join(", ", losses)}");
        Assert.All(model.TrainableParameters(), p => Assert.True(p.Name.Contains(".lora_A.") || p.Name.Contains(".lora_B."), p.Name));
        // The vision tower's qkv and MLP are adapted too (qkv, up_proj match there).
        Assert.Contains(model.TrainableParameters(), p => p.Name.StartsWith("visual.blocks.0.attn.qkv.lora_A.", StringComparison.Ordinal));
        foreach (var (name, parameter) in model.named_parameters().Where(p => !p.parameter.requires_grad))
        {
            Assert.True(frozenBefore[name].eq(parameter).all().item<bool>(), $"{name} changed");
        }
    }

    [Fact]
    public void A_tied_head_reads_the_token_table()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(tied: true), FamilyFixtures.Full());
        using var scope = NewDisposeScope();

        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("lm_head", StringComparison.Ordinal));
        var embedding = model.state_dict()["model.embed_tokens.weight"];
        var batch = FamilyFixtures.QwenBatch([2]) with { Labels = null };
        var logits = model.Forward(batch).Logits;
        // Token 59 never appears in the batch, so its embedding row is read only by the tied head.
        using (no_grad())
        {
            embedding[59].mul_(2);
        }
        var changed = model.Forward(batch).Logits;

        TensorAssert.Close(logits[.., .., 59] * 2, changed[.., .., 59], atol: 1e-5, rtol: 1e-5);
        TensorAssert.Close(logits[.., .., 0..59], changed[.., .., 0..59], atol: 1e-6);
    }
}
