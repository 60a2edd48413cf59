using SkiaSharp;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Overlays;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tests.Support;

namespace VlmForge.Data.Tests.Overlays;

public class OverlayRendererTests
{
    [Fact]
    public void True_and_predicted_boxes_are_drawn_in_their_colours_on_an_enlarged_image()
    {
        using var folder = new TempFolder();
        string image = TestImages.SolidPng(folder.File("grey.png"), 64, 64, new SKColor(128, 128, 128));
        var truth = new PhraseGrounding("s", [new GroundedPhrase("a red circle", [new BoundingBox(10, 20, 30, 40)])]);
        var predicted = new PhraseGrounding("s", [new GroundedPhrase("a red circle", [new BoundingBox(40, 10, 60, 30)])]);
        string output = folder.File("overlays/0001.png");
        var options = new OverlayOptions();

        OverlayRenderer.Save(image, truth, predicted, output, options);

        using SKBitmap drawn = ImageDecoder.Decode(output);
        // 64 px is enlarged 6x to reach 384 px.
        Assert.Equal(384, drawn.Width);
        Assert.Equal(384, drawn.Height);
        // Left edge of the true box at x = 10·6, halfway down; top-left corner of the predicted box (a dash starts there).
        Assert.Equal(options.TrueColor, drawn.GetPixel(60, 180));
        Assert.Equal(options.PredictedColor, drawn.GetPixel(240 + 2, 60));
        // Far from any box the image shows through.
        Assert.Equal(new SKColor(128, 128, 128), drawn.GetPixel(5, 370));
    }
}
