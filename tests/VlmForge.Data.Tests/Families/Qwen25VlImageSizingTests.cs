using VlmForge.Data.Batching;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Tests.Families;

public class Qwen25VlImageSizingTests
{
    [Fact]
    public void Every_image_is_smart_resized_on_its_own_and_its_boxes_follow()
    {
        FamilyDataConventions conventions = Qwen25VlImageSizing.Conventions();

        // 480 / 28 = 17.1 -> 17 x 28 = 476; 640 / 28 = 22.9 -> 23 x 28 = 644.
        Assert.Equal(new ImageSize(644, 476), conventions.Boxes.ModelImageSize(new ImageSize(640, 480)));
        // Portrait: the same sides swapped.
        Assert.Equal(new ImageSize(476, 644), conventions.Boxes.ModelImageSize(new ImageSize(480, 640)));
        // 300 / 28 = 10.7 -> 11 x 28 = 308 on both sides.
        Assert.Equal(new ImageSize(308, 308), conventions.Boxes.ModelImageSize(new ImageSize(300, 300)));
        Assert.Equal(23 * 17, Qwen25VlImageSizing.ImageTokenCountOf(new ImageSize(640, 480), SmartResize.Qwen25Vl));
        Assert.Equal(11 * 11, Qwen25VlImageSizing.ImageTokenCountOf(new ImageSize(300, 300), SmartResize.Qwen25Vl));
        // x 640 -> 644 is x 1.00625, y 480 -> 476 is x 0.99167: (100, 60, 200, 120) -> (100.6, 59.5, 201.25, 119) rounded.
        Assert.Equal(new BoundingBox(101, 60, 201, 119), conventions.Boxes.ToModel(new BoundingBox(100, 60, 200, 120), new ImageSize(640, 480)));
        // 300 -> 308 is x 1.02667: (30, 150, 90, 300) -> (30.8, 154, 92.4, 308).
        Assert.Equal(new BoundingBox(31, 154, 92, 308), conventions.Boxes.ToModel(new BoundingBox(30, 150, 90, 300), new ImageSize(300, 300)));
    }

    [Fact]
    public void Large_images_are_bounded_by_max_pixels_keeping_their_aspect()
    {
        var resize = new SmartResize(MaxPixels: 28 * 28 * 256);
        // 4000 x 1000 rounds to 4004 x 1008 > 200,704 px: beta = sqrt(4e6 / 200704) = 4.4643, so
        // floor(1000 / 4.4643 / 28) * 28 = 224 and floor(4000 / 4.4643 / 28) * 28 = 896: 32 x 8 = 256 tokens.
        Assert.Equal(new ImageSize(896, 224), resize.Apply(new ImageSize(4000, 1000)));
        Assert.Equal(256, Qwen25VlImageSizing.ImageTokenCountOf(new ImageSize(4000, 1000), resize));
    }

    [Fact]
    public void The_encoder_writes_each_images_own_placeholder_count()
    {
        // The tiny tokenizer and template stand in for Qwen's: the count is the encoder's, not the template's.
        var tokenizer = TinyTokenizer.Build(SampleTexts.Corpus, new TinyTokenizerOptions { MaxNumber = 64 });
        var encoder = new ConversationEncoder(tokenizer, ChatTemplates.Tiny, 256, null)
        {
            ImageTokensFor = size => Qwen25VlImageSizing.ImageTokenCount(size),
        };

        int Placeholders(ImageSize? size) => encoder.EncodeTraining("q", "a", size).InputIds.Count(id => id == encoder.ImageTokenId);

        Assert.Equal(23 * 17, Placeholders(new ImageSize(644, 476)));
        Assert.Equal(11 * 11, Placeholders(new ImageSize(308, 308)));
        Assert.Equal(256, Placeholders(null));
        Assert.Equal(11 * 11, encoder.EncodeGenerationPrompt("q", new ImageSize(308, 308)).InputIds.Count(id => id == encoder.ImageTokenId));
    }

    [Fact]
    public void The_collator_pads_mixed_sizes_top_left_and_records_each_size()
    {
        var small = new PreparedImage(Enumerable.Range(0, 3 * 2 * 3).Select(i => (float)(i + 1)).ToArray(), new ImageSize(3, 2));
        var tall = new PreparedImage(Enumerable.Repeat(-1f, 3 * 4 * 1).ToArray(), new ImageSize(1, 4));
        var tokens = new EncodedExample([1, 2], [-100, 2]);

        using var batch = new BatchCollator(0).CollateForTraining([new CollateItem(small, tokens), new CollateItem(tall, tokens)]);

        Assert.Equal(new long[] { 2, 3, 4, 3 }, batch.PixelValues.shape); // slots of the largest height (4) and width (3)
        Assert.Equal([new ImageSize(3, 2), new ImageSize(1, 4)], batch.ImageSizes!);
        var pixels = batch.PixelValues.data<float>().ToArray();
        // Image 0, channel 1, row 1: its values 10, 11, 12 at the slot's row 1; rows 2-3 are zeros.
        Assert.Equal(new float[] { 10, 11, 12 }, pixels.Skip(1 * 12 + 1 * 3).Take(3).ToArray());
        Assert.Equal(new float[] { 0, 0, 0 }, pixels.Skip(1 * 12 + 2 * 3).Take(3).ToArray());
        // Image 1, channel 0: column 0 is the image, columns 1-2 padding.
        Assert.Equal(new float[] { -1, 0, 0, -1, 0, 0 }, pixels.Skip(36).Take(6).ToArray());
    }

    [Fact]
    public void One_size_batches_carry_no_sizes()
    {
        var image = new PreparedImage(new float[3 * 4], new ImageSize(2, 2));
        var tokens = new EncodedExample([1], [1]);

        using var batch = new BatchCollator(0).CollateForTraining([new CollateItem(image, tokens), new CollateItem(image, tokens)]);

        Assert.Null(batch.ImageSizes);
        Assert.Equal(new long[] { 2, 3, 2, 2 }, batch.PixelValues.shape);
    }
}
