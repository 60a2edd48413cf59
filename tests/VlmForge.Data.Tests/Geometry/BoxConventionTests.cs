using VlmForge.Data.Geometry;

namespace VlmForge.Data.Tests.Geometry;

public class BoxConventionTests
{
    [Fact]
    public void IoU_of_two_offset_squares_is_one_seventh()
    {
        // Intersection 5x5 = 25, union 100 + 100 - 25 = 175.
        Assert.Equal(1.0 / 7, BoundingBox.IoU(new(0, 0, 10, 10), new(5, 5, 15, 15)), 12);
        Assert.Equal(0, BoundingBox.IoU(new(0, 0, 10, 10), new(10, 0, 20, 10)));
        Assert.Equal(1, BoundingBox.IoU(new(2, 3, 7, 9), new(2, 3, 7, 9)));
    }

    [Fact]
    public void Square_convention_scales_each_axis_by_its_own_factor()
    {
        var convention = new SquareImageBoxConvention(64);
        var original = new ImageSize(200, 100);
        // x · 64/200 = x · 0.32, y · 64/100 = y · 0.64.
        BoundingBox model = convention.ToModel(new BoundingBox(50, 25, 150, 75), original);
        Assert.Equal(new BoundingBox(16, 16, 48, 48), model);
        Assert.Equal(new BoundingBox(50, 25, 150, 75), convention.ToOriginal(model, original));
        Assert.Equal(new ImageSize(64, 64), convention.ModelImageSize(original));
    }

    [Fact]
    public void Square_convention_rounds_halves_away_from_zero()
    {
        var convention = new SquareImageBoxConvention(64);
        // 1 · 0.5 = 0.5 → 1, 3 · 0.5 = 1.5 → 2.
        Assert.Equal(new BoundingBox(1, 1, 2, 2), convention.ToModel(new BoundingBox(1, 1, 3, 3), new ImageSize(128, 128)));
    }

    [Fact]
    public void A_box_thinner_than_a_pixel_after_resizing_stays_one_pixel_wide()
    {
        var convention = new SquareImageBoxConvention(64);
        var original = new ImageSize(1000, 1000);
        // 100 · 0.064 = 6.4 and 101 · 0.064 = 6.464 both round to 6.
        Assert.Equal(new BoundingBox(6, 6, 7, 7), convention.ToModel(new BoundingBox(100, 100, 101, 101), original));
        // At the far edge the box grows inwards instead.
        Assert.Equal(new BoundingBox(63, 63, 64, 64), convention.ToModel(new BoundingBox(995, 995, 1000, 1000), original));
    }

    [Theory]
    [InlineData(1024, 768, 1036, 756)]
    [InlineData(4000, 3000, 1148, 840)]
    [InlineData(20, 20, 56, 56)]
    [InlineData(50, 30, 84, 56)]
    public void Smart_resize_matches_the_qwen_reference(int width, int height, int expectedWidth, int expectedHeight)
    {
        // Expected values computed with the reference smart_resize (factor 28, min 56², max 28²·1280).
        Assert.Equal(new ImageSize(expectedWidth, expectedHeight), SmartResize.Qwen25Vl.Apply(new ImageSize(width, height)));
    }

    [Fact]
    public void Smart_resize_counts_one_image_token_per_28_pixel_cell()
    {
        Assert.Equal(37 * 27, SmartResize.Qwen25Vl.ImageTokenCount(new ImageSize(1024, 768)));
    }

    [Fact]
    public void Qwen_convention_uses_pixels_of_the_smart_resized_image()
    {
        var convention = new SmartResizedImageBoxConvention(SmartResize.Qwen25Vl);
        var original = new ImageSize(1024, 768);
        // 1036/1024 and 756/768: 512 → 518, 384 → 378, the far corner → the resized corner.
        Assert.Equal(new BoundingBox(518, 378, 1036, 756), convention.ToModel(new BoundingBox(512, 384, 1024, 768), original));
    }

    [Fact]
    public void Extreme_aspect_ratios_are_refused_with_the_reason()
    {
        var ex = Assert.Throws<ArgumentException>(() => SmartResize.Qwen25Vl.Apply(new ImageSize(10000, 40)));
        Assert.Contains("aspect ratio", ex.Message, StringComparison.Ordinal);
    }
}
