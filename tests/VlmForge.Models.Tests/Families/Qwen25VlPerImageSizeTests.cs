using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

/// <summary>
/// Images of different sizes in one batch, each at its own size as Qwen's processor gives them: per-image grids for the
/// vision tower (2D positions, windows, full attention within each image) and for M-RoPE.
/// </summary>
public class Qwen25VlPerImageSizeTests
{
    [Fact]
    public void A_batch_of_two_image_sizes_gives_each_row_the_logits_it_gets_alone()
    {
        // 16 x 12 px: 8 x 6 patches (windows of 4 x 4 patches: the right column of windows is cut to 2), 4 x 3 = 12 tokens.
        // 8 x 20 px: 4 x 10 patches (the third window is cut to 2 columns), 2 x 5 = 10 tokens. Block 1 attends over the
        // whole image, blocks 0 and 2 within windows.
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        model.train(false);
        using var scope = NewDisposeScope();
        var tall = FamilyFixtures.QwenBatch([4], imageHeight: 16, imageWidth: 12, seed: 3);
        var wide = FamilyFixtures.QwenBatch([2], imageHeight: 8, imageWidth: 20, seed: 5);

        var alone = new[] { model.Forward(tall).Logits, model.Forward(wide).Logits };
        var both = model.Forward(FamilyFixtures.CombinePadded(tall, wide));

        TensorAssert.AssertRowsMatchAlone(both.Logits, alone);
        // Row 1 is shorter: 3 + 1 + 10 + 1 + 2 = 17 real tokens of 3 + 1 + 12 + 1 + 4 = 21.
        Assert.Equal(21, both.Logits.shape[1]);
    }

    [Fact]
    public void The_loss_of_a_mixed_size_batch_counts_every_rows_answer_and_reaches_the_vision_tower()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var inputs = FamilyFixtures.CombinePadded(
            FamilyFixtures.QwenBatch([4], imageHeight: 16, imageWidth: 12, seed: 3),
            FamilyFixtures.QwenBatch([2], imageHeight: 8, imageWidth: 20, seed: 5));

        var output = model.Forward(inputs);
        output.Loss!.backward();

        Assert.Equal(3 + 1, output.LabelTokens!.item<long>()); // 4 - 1 and 2 - 1 label tokens (the first text token is prompt)
        var patchGradient = model.named_parameters().Single(p => p.name == "visual.patch_embed.proj.weight").parameter.grad;
        Assert.NotNull(patchGradient);
        Assert.True(patchGradient!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Sizes_that_do_not_fit_the_pixel_tensor_are_refused_with_the_sizes()
    {
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        using var scope = NewDisposeScope();
        var inputs = FamilyFixtures.QwenBatch([3], imageHeight: 16, imageWidth: 12);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(inputs with { ImageSizes = [new ImageExtent(20, 12)] }));

        Assert.Contains("12x20 px", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mrope_positions_follow_each_images_own_grid_in_batch_order()
    {
        using var scope = NewDisposeScope();
        const int image = 9;
        // Row 0: text, text, an image of 2 x 3 cells, text. Row 1: text, an image of 1 x 2 cells, text, text.
        long[] first = [5, 6, image, image, image, image, image, image, 7];
        long[] second = [5, image, image, 7, 8, 0, 0, 0, 0];
        var ids = tensor(first.Concat(second).ToArray(), [2L, 9]);
        var valid = tensor(Enumerable.Repeat(true, 9).Concat(Enumerable.Repeat(true, 5)).Concat(Enumerable.Repeat(false, 4)).ToArray(), [2L, 9]);

        var positions = MultimodalRotary.Positions(ids, valid, image, [(2L, 3L), (1L, 2L)]);

        // get_rope_index: an image starts at st = the previous position + 1; its tokens are (st, st + row, st + column);
        // the text after it continues at st + max(rows, columns).
        Assert.Equal(new long[] { 0, 1, 2, 2, 2, 2, 2, 2, 5 }, positions[0, 0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 2, 2, 3, 3, 3, 5 }, positions[1, 0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 2, 3, 4, 5 }, positions[2, 0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 1, 3, 4 }, positions[0, 1].data<long>().Take(5).ToArray());
        Assert.Equal(new long[] { 0, 1, 1, 3, 4 }, positions[1, 1].data<long>().Take(5).ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, positions[2, 1].data<long>().Take(5).ToArray());
    }

    [Fact]
    public void Each_image_gets_its_own_windows_and_none_spans_two_images()
    {
        var config = FamilyFixtures.QwenConfig();
        using var scope = NewDisposeScope();
        // 16 x 12 px: 8 x 6 patches, 2 x 2 windows (48 patches); 8 x 20 px: 4 x 10 patches, 1 x 3 windows (40 patches).
        var layout = WindowLayout.For([(16L, 12L), (8L, 20L)], config.Vision, CPU);

        Assert.Equal(4 + 3, layout.Windows);
        var gather = layout.Gather.data<long>().ToArray();
        for (long w = 0; w < layout.Windows; w++)
        {
            var patches = gather.Skip((int)(w * layout.TokensPerWindow)).Take((int)layout.TokensPerWindow).Where(g => g < 88).ToArray();
            Assert.True(patches.All(p => p < 48) || patches.All(p => p >= 48), $"window {w} mixes images: {string.Join(", ", patches)}");
        }
        // The reference's window sizes (cu_window_seqlens differences): 16, 8, 16, 8 patches, then 16, 16, 8.
        var real = layout.KeyMask.sum(1).data<long>().ToArray();
        Assert.Equal(new long[] { 16, 8, 16, 8, 16, 16, 8 }, real);
        // Scatter inverts gather.
        var scatter = layout.Scatter.data<long>().ToArray();
        Assert.All(Enumerable.Range(0, 88), p => Assert.Equal(p, gather[scatter[p]]));
    }

    /// <summary>Two one-row batches as one right-padded batch, pixels padded top-left, each image's size recorded.</summary>
}
