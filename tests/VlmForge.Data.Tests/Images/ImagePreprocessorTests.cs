using SkiaSharp;
using TorchSharp;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tests.Support;

namespace VlmForge.Data.Tests.Images;

public class ImagePreprocessorTests
{
    private static readonly ImagePreprocessor Symmetric = new(ImageNormalization.Symmetric);

    [Fact]
    public void Values_are_normalized_per_channel_in_channel_first_order()
    {
        // 2x1 image: a red pixel then a mid-grey one (128 → 128/255).
        using SKBitmap image = TestImages.FromPixels(2, 1, new SKColor(255, 0, 0), new SKColor(128, 128, 128));
        PreparedImage prepared = Symmetric.Prepare(image, new ImageSize(2, 1));
        float grey = ((128f / 255f) - 0.5f) / 0.5f;
        float[] expected = [1f, grey, -1f, grey, -1f, grey];
        Assert.Equal(expected.Length, prepared.Pixels.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], prepared.Pixels[i], 5);
        }
    }

    [Fact]
    public void Clip_statistics_use_each_channels_own_mean_and_std()
    {
        using SKBitmap image = TestImages.FromPixels(1, 1, new SKColor(255, 255, 255));
        PreparedImage prepared = new ImagePreprocessor(ImageNormalization.OpenAiClip).Prepare(image, new ImageSize(1, 1));
        Assert.Equal((1 - 0.48145466f) / 0.26862954f, prepared.Pixels[0], 5);
        Assert.Equal((1 - 0.4578275f) / 0.26130258f, prepared.Pixels[1], 5);
        Assert.Equal((1 - 0.40821073f) / 0.27577711f, prepared.Pixels[2], 5);
    }

    [Fact]
    public void Transparent_pixels_become_white()
    {
        using SKBitmap image = TestImages.FromPixels(1, 1, new SKColor(0, 0, 0, 0));
        Assert.All(Symmetric.Prepare(image, new ImageSize(1, 1)).Pixels, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Resizing_is_deterministic_and_keeps_a_uniform_colour_uniform()
    {
        using var folder = new TempFolder();
        string path = TestImages.SolidPng(folder.File("blue.png"), 97, 61, new SKColor(40, 80, 220));
        PreparedImage down = Symmetric.Load(path, new ImageSize(32, 32));
        PreparedImage again = Symmetric.Load(path, new ImageSize(32, 32));
        Assert.Equal(down.Pixels, again.Pixels);
        float blue = ((220f / 255f) - 0.5f) / 0.5f;
        Assert.All(down.Pixels.Skip(2 * 32 * 32), v => Assert.Equal(blue, v, 4));

        PreparedImage up = Symmetric.Load(path, new ImageSize(128, 128));
        Assert.All(up.Pixels.Skip(2 * 128 * 128), v => Assert.Equal(blue, v, 4));
    }

    [Fact]
    public void Shrinking_averages_source_pixels()
    {
        // Left half black, right half white, shrunk to 2x1: each output pixel covers one half.
        var pixels = Enumerable.Range(0, 8 * 8).Select(i => i % 8 < 4 ? SKColors.Black : SKColors.White).ToArray();
        using SKBitmap image = TestImages.FromPixels(8, 8, pixels);
        PreparedImage prepared = Symmetric.Prepare(image, new ImageSize(2, 1));
        Assert.True(prepared.Pixels[0] < -0.9f, $"left {prepared.Pixels[0]}");
        Assert.True(prepared.Pixels[1] > 0.9f, $"right {prepared.Pixels[1]}");
    }

    [Fact]
    public void The_tensor_is_float32_with_shape_3_h_w()
    {
        using SKBitmap image = TestImages.FromPixels(3, 2, Enumerable.Repeat(SKColors.Red, 6).ToArray());
        PreparedImage prepared = Symmetric.Prepare(image, new ImageSize(5, 4));
        using torch.Tensor tensor = prepared.ToTensor();
        Assert.Equal([3L, 4L, 5L], tensor.shape);
        Assert.Equal(torch.ScalarType.Float32, tensor.dtype);
        Assert.Equal(1f, tensor[0].mean().item<float>(), 4);
        Assert.Equal(-1f, tensor[1].mean().item<float>(), 4);
    }

    [Fact]
    public void Exif_orientation_is_applied_to_size_and_pixels()
    {
        using var folder = new TempFolder();
        // Stored 16 wide x 8 high: left half red, right half blue; EXIF 6 = rotate 90° clockwise to display.
        var pixels = Enumerable.Range(0, 16 * 8).Select(i => i % 16 < 8 ? SKColors.Red : SKColors.Blue).ToArray();
        using SKBitmap stored = TestImages.FromPixels(16, 8, pixels);
        string path = folder.File("rotated.jpg");
        File.WriteAllBytes(path, Jpeg.WithOrientation(stored, orientation: 6));

        Assert.Equal(new ImageSize(8, 16), ImageDecoder.ReadSize(path));
        using SKBitmap upright = ImageDecoder.Decode(path);
        Assert.Equal(8, upright.Width);
        Assert.Equal(16, upright.Height);
        // The stored left (red) half is on top once rotated clockwise.
        SKColor top = upright.GetPixel(4, 3), bottom = upright.GetPixel(4, 12);
        Assert.True(top.Red > 180 && top.Blue < 80, $"top {top}");
        Assert.True(bottom.Blue > 180 && bottom.Red < 80, $"bottom {bottom}");
    }

    [Fact]
    public void The_cache_prepares_each_image_once()
    {
        using var folder = new TempFolder();
        string path = TestImages.SolidPng(folder.File("red.png"), 10, 10, SKColors.Red);
        var record = new Data.Datasets.DatasetRecord
        {
            SourceFile = "train.jsonl", LineNumber = 1, Id = "r", ImageReference = "red.png", ImagePath = path, ImageSize = new ImageSize(10, 10),
        };
        var cache = new PreparedImageCache(Symmetric, new SquareImageBoxConvention(4));
        PreparedImage first = cache.Get(record);
        Assert.Same(first, cache.Get(record with { LineNumber = 2 }));
        Assert.Equal(new ImageSize(4, 4), first.Size);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_missing_image_says_so()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.ReadSize("/nonexistent/x.png"));
        Assert.True(ex.IsMissing);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Builds a JPEG carrying an EXIF orientation tag (APP1 segment inserted after SOI).</summary>
    private static class Jpeg
    {
        public static byte[] WithOrientation(SKBitmap bitmap, ushort orientation)
        {
            using SKData data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95)!;
            byte[] jpeg = data.ToArray();
            byte[] tiff =
            [
                (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
                0, 1, // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, // Orientation, SHORT, 1
                0, 0, 0, 0, // no next IFD
            ];
            byte[] exif = [.. "Exif\0\0"u8.ToArray(), .. tiff];
            int length = exif.Length + 2;
            byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif];
            return [.. jpeg[..2], .. app1, .. jpeg[2..]];
        }
    }
}
