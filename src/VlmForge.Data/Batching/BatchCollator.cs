using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using static TorchSharp.torch;

namespace VlmForge.Data.Batching;

/// <summary>One example ready to be batched: its prepared image and its tokens.</summary>
public sealed record CollateItem(PreparedImage Image, EncodedExample Tokens);

/// <summary>
/// Stacks examples into a <see cref="VlmBatch"/>: right padding for training, left padding for generation
/// prompts. Padding positions hold the pad id, attention 0 and label -100. Images of one size are stacked as they are;
/// images of different sizes (Qwen2.5-VL sizes every image on its own) are placed top-left in slots of the largest width
/// and height, zeros around them, and the batch records each one's size (<see cref="VlmBatch.ImageSizes"/>).
/// </summary>
public sealed class BatchCollator(int padTokenId)
{
    public int PadTokenId { get; } = padTokenId >= 0 ? padTokenId : throw new ArgumentOutOfRangeException(nameof(padTokenId), "The pad id must be a token id (>= 0).");

    public VlmBatch CollateForTraining(IReadOnlyList<CollateItem> items) => Collate(items, PaddingSide.Right);

    public VlmBatch CollateForGeneration(IReadOnlyList<CollateItem> items) => Collate(items, PaddingSide.Left);

    public VlmBatch Collate(IReadOnlyList<CollateItem> items, PaddingSide padding)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one example.", nameof(items));
        }

        bool mixed = items.Any(i => i.Image.Size != items[0].Image.Size);
        var size = mixed
            ? new ImageSize(items.Max(i => i.Image.Size.Width), items.Max(i => i.Image.Size.Height))
            : items[0].Image.Size;
        int batch = items.Count;
        int length = items.Max(i => i.Tokens.Length);
        int imageValues = 3 * size.Width * size.Height;
        var pixels = new float[batch * imageValues];
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var labels = new long[batch * length];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            CollateItem item = items[b];
            if (mixed)
            {
                CopyIntoSlot(item.Image, pixels.AsSpan(b * imageValues, imageValues), size);
            }
            else
            {
                item.Image.Pixels.CopyTo(pixels, b * imageValues);
            }

            int n = item.Tokens.Length;
            lengths[b] = n;
            int offset = padding == PaddingSide.Right ? 0 : length - n;
            int row = b * length;
            for (int t = 0; t < length; t++)
            {
                int source = t - offset;
                bool real = source >= 0 && source < n;
                ids[row + t] = real ? item.Tokens.InputIds[source] : PadTokenId;
                mask[row + t] = real ? 1 : 0;
                labels[row + t] = real ? item.Tokens.Labels[source] : ConversationEncoder.IgnoreIndex;
            }
        }

        return new VlmBatch(
            tensor(pixels, [batch, 3L, size.Height, size.Width], ScalarType.Float32),
            tensor(ids, [batch, (long)length], ScalarType.Int64),
            tensor(mask, [batch, (long)length], ScalarType.Int64),
            tensor(labels, [batch, (long)length], ScalarType.Int64),
            padding,
            lengths)
        {
            ImageSizes = mixed ? items.Select(i => i.Image.Size).ToArray() : null,
        };
    }

    /// <summary>Channel-first pixels of <paramref name="image"/> into the top-left corner of a slot of <paramref name="slot"/> size.</summary>
    private static void CopyIntoSlot(PreparedImage image, Span<float> destination, ImageSize slot)
    {
        var (width, height) = (image.Size.Width, image.Size.Height);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < height; y++)
            {
                image.Pixels.AsSpan((c * height + y) * width, width)
                    .CopyTo(destination.Slice((c * slot.Height + y) * slot.Width, width));
            }
        }
    }
}
