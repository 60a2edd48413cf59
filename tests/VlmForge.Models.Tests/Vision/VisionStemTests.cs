using TorchSharp;
using VlmForge.Models.Vision;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Vision;

public class VisionStemTests
{
    [Fact]
    public void Sine_cosine_positions_encode_row_then_column()
    {
        using var table = SinCosPositions.Table(grid: 4, width: 8);
        Assert.Equal([16L, 8L], table.shape);
        // Patch (row 0, col 0): sin(0) = 0 and cos(0) = 1 in both halves.
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f], table[0].data<float>().ToArray());
        // Patch (row 1, col 2), quarter = 2 frequencies: 1 and 1/100.
        var p = table[1 * 4 + 2].data<float>().ToArray();
        Assert.Equal((float)Math.Sin(1), p[0], 6);
        Assert.Equal((float)Math.Sin(0.01), p[1], 6);
        Assert.Equal((float)Math.Cos(1), p[2], 6);
        Assert.Equal((float)Math.Sin(2), p[4], 6);
        Assert.Equal((float)Math.Cos(0.02), p[7], 6);
    }

    [Fact]
    public void Sine_cosine_positions_need_a_width_divisible_by_four()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SinCosPositions.Table(4, 6));
    }

    [Fact]
    public void A_hierarchical_stem_reaches_the_patch_size_in_2x2_steps()
    {
        torch.manual_seed(3);
        using var stem = new HierarchicalPatchStem(width: 32, patchSize: 8, ScalarType.Float32, CPU);
        using var pixels = randn(2, 3, 32, 32);

        using var patches = stem.call(pixels);

        Assert.Equal([2L, 16L, 32L], patches.shape);
        Assert.Equal(["stages.0.weight", "stages.0.bias", "stages.1.weight", "stages.1.bias", "stages.2.weight", "stages.2.bias"],
            stem.named_parameters().Select(p => p.name));
        Assert.Equal([16L, 3L, 2L, 2L], stem.named_parameters().First().parameter.shape);
        // He initialization keeps the signal: the output is not vanishingly small.
        Assert.InRange(patches.std().item<float>(), 0.2f, 5f);
    }

    [Fact]
    public void A_patch_in_the_image_changes_only_its_own_patch_vector()
    {
        torch.manual_seed(4);
        using var stem = new HierarchicalPatchStem(16, 4, ScalarType.Float32, CPU);
        using var image = zeros(1, 3, 8, 8);
        using var changed = image.clone();
        changed[0, .., 4.., ..4] = ones(3, 4, 4); // bottom-left 4x4 patch = patch index 2

        using var before = stem.call(image);
        using var after = stem.call(changed);
        var differs = (after - before).abs().sum(2)[0].data<float>().ToArray();

        Assert.Equal([false, false, true, false], differs.Select(d => d > 1e-6f));
    }

    [Fact]
    public void Patch_sizes_that_are_not_powers_of_two_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HierarchicalPatchStem(16, 6, ScalarType.Float32, CPU));
    }
}
