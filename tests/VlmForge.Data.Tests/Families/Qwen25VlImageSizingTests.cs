using VlmForge.Data.Families;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Tests.Families;

public class Qwen25VlImageSizingTests
{
    [Fact]
    public void A_dataset_of_one_size_uses_its_smart_resize()
    {
        FamilyDataConventions conventions = Qwen25VlImageSizing.Conventions([new ImageSize(640, 480), new ImageSize(640, 480)]);

        // 480 / 28 = 17.1 -> 17 x 28 = 476; 640 / 28 = 22.9 -> 23 x 28 = 644.
        ImageSize model = conventions.Boxes.ModelImageSize(new ImageSize(640, 480));
        Assert.Equal(new ImageSize(644, 476), model);
        Assert.Equal(23 * 17, Qwen25VlImageSizing.ImageTokenCount(model));
        Assert.IsType<SmartResizedImageBoxConvention>(conventions.Boxes);
    }

    [Fact]
    public void Mixed_sizes_are_stretched_to_one_square_and_boxes_follow()
    {
        FamilyDataConventions conventions = Qwen25VlImageSizing.Conventions([new ImageSize(640, 480), new ImageSize(300, 300)], side: 448);

        Assert.Equal(new ImageSize(448, 448), conventions.Boxes.ModelImageSize(new ImageSize(640, 480)));
        Assert.Equal(new ImageSize(448, 448), conventions.Boxes.ModelImageSize(new ImageSize(300, 300)));
        Assert.Equal(256, Qwen25VlImageSizing.ImageTokenCount(new ImageSize(448, 448)));
        // x 640 -> 448 is x 0.7, y 480 -> 448 is x 0.9333: (100, 60, 200, 120) -> (70, 56, 140, 112).
        BoundingBox box = conventions.Boxes.ToModel(new BoundingBox(100, 60, 200, 120), new ImageSize(640, 480));
        Assert.Equal(new BoundingBox(70, 56, 140, 112), box);
    }

    [Fact]
    public void A_side_that_is_not_a_multiple_of_28_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Qwen25VlImageSizing.Conventions([new ImageSize(64, 64)], side: 450));
    }
}
