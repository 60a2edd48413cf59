using SkiaSharp;
using VlmForge.Data.Batching;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tests.Tokenization.HuggingFace;
using VlmForge.Data.Tokenization.HuggingFace;

namespace VlmForge.Data.Tests.Families;

/// <summary>SmolVLM's image splitting against transformers' Idefics3 image processor and processor, worked out by hand.</summary>
public sealed class SmolVlmImageSplittingTests : IDisposable
{
    private static readonly ImageSplitting SmolVlmInstruct = new(384, 1536);
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-smol-split-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Sizes_and_tiles_follow_the_reference_processor()
    {
        // 640x480: the longest edge to 1536, 1536 / (4/3) = 1152 (even); multiples of 384: 1536 x 1152 -> 3 rows x 4 cols.
        Assert.Equal(new ImageSize(1536, 1152), SmolVlmInstruct.ResizedSize(new ImageSize(640, 480)));
        Assert.Equal(new ImageSize(1536, 1152), SmolVlmInstruct.EncoderSize(new ImageSize(1536, 1152)));
        Assert.Equal(new TileGrid(3, 4), SmolVlmInstruct.Grid(new ImageSize(640, 480)));
        Assert.Equal(13, SmolVlmInstruct.Grid(new ImageSize(640, 480)).Frames);
        // 300x1000 (portrait): height 1536, width int(1536 * 0.3) = 460; 460 -> 2 x 384: 4 rows x 2 cols.
        Assert.Equal(new ImageSize(460, 1536), SmolVlmInstruct.ResizedSize(new ImageSize(300, 1000)));
        Assert.Equal(new ImageSize(768, 1536), SmolVlmInstruct.EncoderSize(new ImageSize(460, 1536)));
        Assert.Equal(new TileGrid(4, 2), SmolVlmInstruct.Grid(new ImageSize(300, 1000)));
        // An odd short side is rounded up to even: 101x50 at longest edge 36 -> int(36 / 2.02) = 17 -> 18.
        var small = new ImageSplitting(12, 36);
        Assert.Equal(new ImageSize(36, 18), small.ResizedSize(new ImageSize(101, 50)));
        Assert.Equal(new TileGrid(2, 3), small.Grid(new ImageSize(101, 50)));
        // An image that ends up one tile large is not split (longest edge 12 = the tile).
        Assert.Equal(TileGrid.None, new ImageSplitting(12, 12).Grid(new ImageSize(30, 20)));
        // Without do_resize only the multiples of the tile apply: 20 -> 24, then int(24 / (20 / 13)) = 15 -> 24.
        Assert.Equal(new TileGrid(2, 2), new ImageSplitting(12, null).Grid(new ImageSize(20, 13)));
        Assert.Equal("split-384 (longest_edge 1536)", SmolVlmInstruct.Name);
        Assert.Throws<ArgumentException>(() => new ImageSplitting(384, 2048).Validate());
    }

    [Fact]
    public void A_split_image_is_its_tiles_row_by_row_then_the_global_view()
    {
        // 36x24 at longest edge 36 and 12 px tiles needs no resize, so each tile is exactly a crop of the original.
        using var image = Noise(36, 24, seed: 5);
        var preprocessor = new ImagePreprocessor(ImageNormalization.Symmetric) { Splitting = new ImageSplitting(12, 36) };

        var prepared = preprocessor.Prepare(image, new SquareImageBoxConvention(12));

        Assert.Equal(new TileGrid(2, 3), prepared.Tiles);
        Assert.Equal(new ImageSize(12, 7 * 12), prepared.Size); // 6 tiles + the global view, one below another
        Assert.Equal(new ImageSize(12, 12), prepared.View);
        var whole = new ImagePreprocessor(ImageNormalization.Symmetric).Prepare(image, new ImageSize(36, 24));
        var global = new ImagePreprocessor(ImageNormalization.Symmetric).Prepare(image, new ImageSize(12, 12));
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 7 * 12; y++)
            {
                int frame = y / 12;
                for (int x = 0; x < 12; x++)
                {
                    float expected = frame < 6
                        ? whole.Pixels[(c * 24 * 36) + (((frame / 3 * 12) + (y % 12)) * 36) + (frame % 3 * 12) + x]
                        : global.Pixels[(c * 144) + ((y % 12) * 12) + x];
                    Assert.Equal(expected, prepared.Pixels[(c * 84 * 12) + (y * 12) + x]);
                }
            }
        }
    }

    [Fact]
    public void A_2x3_image_is_laid_out_as_the_idefics3_processor_expands_it()
    {
        // processing_idefics3.py's _prompt_split_image with image_seq_len 2, rows 2, cols 3, inside the chat template.
        const string expected =
            "<|im_start|>User:" +
            "<fake_token_around_image><row_1_col_1><image><image>" +
            "<fake_token_around_image><row_1_col_2><image><image>" +
            "<fake_token_around_image><row_1_col_3><image><image>\n" +
            "<fake_token_around_image><row_2_col_1><image><image>" +
            "<fake_token_around_image><row_2_col_2><image><image>" +
            "<fake_token_around_image><row_2_col_3><image><image>\n" +
            "\n<fake_token_around_image><global-img><image><image><fake_token_around_image>" +
            "Where?<end_of_utterance>\nAssistant:";

        Assert.Equal(expected, ChatTemplate.Render(ChatTemplates.SmolVlm.BuildGenerationPrompt(null, "Where?", 2, new TileGrid(2, 3))));
        Assert.Throws<ArgumentException>(() => ChatTemplates.Qwen25Vl.BuildGenerationPrompt(null, "Where?", 2, new TileGrid(2, 3)));
    }

    [Fact]
    public void The_encoder_gives_the_tile_tokens_their_ids_and_each_frame_its_placeholders()
    {
        TinyByteLevelFiles.Write(_dir, TinyByteLevelFiles.SmolVlmStyle(maxTiles: 3));
        var tokenizer = HuggingFaceTokenizer.Load(_dir);
        var encoder = new ConversationEncoder(tokenizer, ChatTemplates.SmolVlm, 2, null);
        const int start = 267, end = 268, fake = 269, global = 270, image = 271;
        static int Tile(int r, int c) => 272 + ((r - 1) * 3) + (c - 1);

        var ids = encoder.EncodeGenerationPrompt("Where?", modelImage: null, new TileGrid(2, 3)).InputIds;

        // "User" is 4 bytes and ":" one; "\n" is byte 10; "Where" merges "h e" (257); "Assistant" merges "i s" (261).
        int[] expected =
        [
            start, 85, 115, 101, 114, 58,
            fake, Tile(1, 1), image, image, fake, Tile(1, 2), image, image, fake, Tile(1, 3), image, image, 10,
            fake, Tile(2, 1), image, image, fake, Tile(2, 2), image, image, fake, Tile(2, 3), image, image, 10,
            10, fake, global, image, image, fake,
            87, 257, 114, 101, 63, end, 10, 65, 115, 115, 261, 116, 97, 110, 116, 58,
        ];
        Assert.Equal(expected, ids);
        // Unsplit images keep the single-image layout.
        Assert.Equal(2, encoder.EncodeGenerationPrompt("Where?").InputIds.Count(id => id == image));
    }

    [Fact]
    public void The_collator_stacks_strips_of_different_lengths_with_their_sizes()
    {
        var conventions = FamilyDataConventions.SmolVlm(12) with { Splitting = new ImageSplitting(12, 36) };
        using var wide = Noise(36, 24, seed: 1);
        using var square = Noise(30, 30, seed: 2);
        var a = conventions.Preprocessor().Prepare(wide, conventions.Boxes);
        var b = conventions.Preprocessor().Prepare(square, conventions.Boxes);

        Assert.Equal(new TileGrid(3, 3), b.Tiles); // 30x30 -> 36x36: 3 x 3 tiles + global
        using var batch = new BatchCollator(0).CollateForTraining([
            new CollateItem(a, new EncodedExample([1], [1])), new CollateItem(b, new EncodedExample([1], [1]))]);
        Assert.Equal(new long[] { 2, 3, 120, 12 }, batch.PixelValues.shape);
        Assert.Equal([new ImageSize(12, 84), new ImageSize(12, 120)], batch.ImageSizes!);
    }

    private static SKBitmap Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }
        return bitmap;
    }
}
