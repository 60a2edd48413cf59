using TorchSharp;
using VlmForge.Models.Decoder;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

/// <summary>Qwen2.5-VL's patch order, windows, 2D rotary and M-RoPE positions against hand-worked values.</summary>
public class Qwen25VlGeometryTests
{
    [Fact]
    public void Patches_are_ordered_by_merge_group_and_each_frame_is_the_image_again()
    {
        using var scope = NewDisposeScope();
        // One channel, 4 x 4 pixels, value = 4·row + column; patch 1, merge 2, temporal 2.
        var pixels = arange(16, ScalarType.Float32).view(1, 1, 4, 4);

        var patches = Qwen25VlPatchifier.Patchify(pixels, patchSize: 1, temporalPatchSize: 2, mergeSize: 2);

        Assert.Equal(new long[] { 1, 16, 2 }, patches.shape);
        // Group (0,0) holds pixels 0, 1, 4, 5; group (0,1) holds 2, 3, 6, 7; then the second row of groups.
        float[] expected = [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15];
        Assert.Equal(expected, patches[0, .., 0].data<float>().ToArray());
        Assert.Equal(expected, patches[0, .., 1].data<float>().ToArray());
    }

    [Fact]
    public void A_patch_is_flattened_channel_then_frame_then_row_then_column()
    {
        using var scope = NewDisposeScope();
        // Two channels, a 2 x 2 image (one patch of 2, merge 1): channel c pixel (y, x) = 10c + 2y + x.
        var pixels = tensor(new float[] { 0, 1, 2, 3, 10, 11, 12, 13 }, [1L, 2, 2, 2]);

        var patches = Qwen25VlPatchifier.Patchify(pixels, patchSize: 2, temporalPatchSize: 2, mergeSize: 1);

        Assert.Equal(new float[] { 0, 1, 2, 3, 0, 1, 2, 3, 10, 11, 12, 13, 10, 11, 12, 13 }, patches.reshape(-1).data<float>().ToArray());
    }

    [Fact]
    public void Windows_are_window_size_squares_from_the_top_left_and_the_last_ones_may_be_smaller()
    {
        using var scope = NewDisposeScope();
        var config = FamilyFixtures.QwenConfig().Vision; // patch 2, merge 2, window 8 px = 4 x 4 patches
        // 16 x 12 px: 8 x 6 patches; windows are 4 x 4 patches, the right column of windows only 2 patches wide.
        var layout = WindowLayout.For(16, 12, config, CPU);
        var (rows, columns) = Qwen25VlVisionGeometry.PatchCoordinates(16, 12, config, CPU);
        var r = rows.data<long>().ToArray();
        var c = columns.data<long>().ToArray();
        var slot = layout.Scatter.data<long>().ToArray();
        long Window(long row, long column) => slot[Enumerable.Range(0, r.Length).Single(i => r[i] == row && c[i] == column)] / layout.TokensPerWindow;

        Assert.Equal(Window(0, 0), Window(3, 3));
        Assert.NotEqual(Window(0, 0), Window(0, 4));
        Assert.NotEqual(Window(3, 3), Window(4, 3));
        Assert.Equal(Window(4, 4), Window(7, 5));
    }

    [Fact]
    public void Vision_rotary_turns_the_first_half_with_the_row_and_the_second_with_the_column()
    {
        using var scope = NewDisposeScope();
        var config = FamilyFixtures.QwenConfig().Vision; // head width 8: rotary dim 4, frequencies 1 and 1/100
        var (rows, columns) = Qwen25VlVisionGeometry.PatchCoordinates(8, 8, config, CPU);
        var (cos, _) = Qwen25VlVisionGeometry.RotaryTables(8, 8, config, CPU);
        var r = rows.data<long>().ToArray();
        var c = columns.data<long>().ToArray();
        var patch = Enumerable.Range(0, r.Length).Single(i => r[i] == 1 && c[i] == 2);

        // angles = [row·1, row/100, column·1, column/100], doubled for rotate-half.
        var expected = new[] { 1.0, 0.01, 2.0, 0.02, 1.0, 0.01, 2.0, 0.02 }.Select(a => (float)Math.Cos(a)).ToArray();
        var actual = cos[patch].data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Mrope_positions_give_image_tokens_their_row_and_column_and_resume_text_after_the_larger_side()
    {
        using var scope = NewDisposeScope();
        const int image = 9;
        // text, text, image 2 rows x 3 columns, text, text; then the same row left-padded by two.
        long[] row = [5, 6, image, image, image, image, image, image, 7, 8];
        var ids = cat([tensor(row.Concat(new long[] { 0, 0 }).ToArray(), [1L, 12]), tensor(new long[] { 0, 0 }.Concat(row).ToArray(), [1L, 12])], 0);
        var valid = cat([
            tensor(Enumerable.Repeat(true, 10).Concat([false, false]).ToArray(), [1L, 12]),
            tensor(new[] { false, false }.Concat(Enumerable.Repeat(true, 10)).ToArray(), [1L, 12]),
        ], 0);

        var positions = MultimodalRotary.Positions(ids, valid, image, gridRows: 2, gridColumns: 3);

        long[] temporal = [0, 1, 2, 2, 2, 2, 2, 2, 5, 6];
        long[] height = [0, 1, 2, 2, 2, 3, 3, 3, 5, 6];
        long[] width = [0, 1, 2, 3, 4, 2, 3, 4, 5, 6];
        Assert.Equal(temporal, positions[0, 0].data<long>().Take(10).ToArray());
        Assert.Equal(height, positions[1, 0].data<long>().Take(10).ToArray());
        Assert.Equal(width, positions[2, 0].data<long>().Take(10).ToArray());
        Assert.Equal(width, positions[2, 1].data<long>().Skip(2).ToArray());
    }

    [Fact]
    public void Mrope_with_equal_axes_is_ordinary_rotary()
    {
        using var scope = NewDisposeScope();
        var positions = arange(7, ScalarType.Int64).view(1, 1, 7);

        var (mcos, msin) = MultimodalRotary.Tables(positions, [1, 1, 2], headDim: 8, theta: 10000, ScalarType.Float32);
        var (cos, sin) = RotaryEmbedding.Tables(positions[0], 8, 10000, ScalarType.Float32);

        TensorAssert.Close(cos, mcos, atol: 1e-6);
        TensorAssert.Close(sin, msin, atol: 1e-6);
    }

    [Fact]
    public void Mrope_sections_pick_the_axis_of_each_frequency()
    {
        using var scope = NewDisposeScope();
        // One token at temporal 1, height 2, width 3; head 8: frequencies [1, 1/10, 1/100, 1/1000] (theta 10000).
        var positions = tensor(new long[] { 1, 2, 3 }, [3L, 1, 1]);

        var (cos, _) = MultimodalRotary.Tables(positions, [1, 1, 2], headDim: 8, theta: 10000, ScalarType.Float32);

        var angles = new[] { 1 * 1.0, 2 * 0.1, 3 * 0.01, 3 * 0.001 };
        var expected = angles.Concat(angles).Select(a => (float)Math.Cos(a)).ToArray();
        var actual = cos[0, 0].data<float>().ToArray();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }
}
