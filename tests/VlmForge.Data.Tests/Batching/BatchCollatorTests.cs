using TorchSharp;
using VlmForge.Data.Batching;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;

namespace VlmForge.Data.Tests.Batching;

public class BatchCollatorTests
{
    private const int Pad = 0;
    private const int Ignore = ConversationEncoder.IgnoreIndex;

    private static PreparedImage Image(float value, int side = 2) =>
        new(Enumerable.Repeat(value, 3 * side * side).ToArray(), new ImageSize(side, side));

    private static readonly CollateItem Short = new(Image(1), new EncodedExample([5, 6, 7], [Ignore, Ignore, 7]));
    private static readonly CollateItem Long = new(Image(2), new EncodedExample([5, 6, 8, 9, 10], [Ignore, Ignore, Ignore, 9, 10]));

    private static long[] Row(torch.Tensor t, int row) => t[row].data<long>().ToArray();

    [Fact]
    public void Training_batches_pad_on_the_right_with_mask_0_and_label_minus_100()
    {
        using VlmBatch batch = new BatchCollator(Pad).CollateForTraining([Short, Long]);
        Assert.Equal([2L, 5L], batch.InputIds.shape);
        Assert.Equal(torch.ScalarType.Int64, batch.InputIds.dtype);
        Assert.Equal([5L, 6L, 7L, Pad, Pad], Row(batch.InputIds, 0));
        Assert.Equal([1L, 1L, 1L, 0L, 0L], Row(batch.AttentionMask, 0));
        Assert.Equal([Ignore, Ignore, 7L, Ignore, Ignore], Row(batch.Labels, 0));
        Assert.Equal([5L, 6L, 8L, 9L, 10L], Row(batch.InputIds, 1));
        Assert.Equal([1L, 1L, 1L, 1L, 1L], Row(batch.AttentionMask, 1));
        Assert.Equal([3, 5], batch.Lengths);
    }

    [Fact]
    public void Generation_batches_pad_on_the_left_so_prompts_end_together()
    {
        using VlmBatch batch = new BatchCollator(Pad).CollateForGeneration([Short, Long]);
        Assert.Equal([Pad, Pad, 5L, 6L, 7L], Row(batch.InputIds, 0));
        Assert.Equal([0L, 0L, 1L, 1L, 1L], Row(batch.AttentionMask, 0));
        Assert.Equal([Ignore, Ignore, Ignore, Ignore, 7L], Row(batch.Labels, 0));
        Assert.Equal(PaddingSide.Left, batch.Padding);
    }

    [Fact]
    public void Pixel_values_are_stacked_in_example_order()
    {
        using VlmBatch batch = new BatchCollator(Pad).CollateForTraining([Short, Long]);
        Assert.Equal([2L, 3L, 2L, 2L], batch.PixelValues.shape);
        Assert.Equal(torch.ScalarType.Float32, batch.PixelValues.dtype);
        Assert.Equal(1f, batch.PixelValues[0].mean().item<float>());
        Assert.Equal(2f, batch.PixelValues[1].mean().item<float>());
    }
}
