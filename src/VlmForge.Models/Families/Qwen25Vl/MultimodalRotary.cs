using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// Qwen2.5-VL's multimodal rotary positions (M-RoPE). Every token has a (temporal, height, width) position: text tokens
/// count up with all three equal; an image's tokens share the temporal position where the image starts and take
/// start + row and start + column of their merged cell; the text after an image continues at start + max(rows,
/// columns). Each head's rotary frequencies are split in <c>mrope_section</c> parts (16, 24, 24 of 64) that turn with
/// the temporal, height and width position respectively (Hugging Face's <c>get_rope_index</c> and
/// <c>apply_multimodal_rotary_pos_emb</c>).
/// </summary>
public static class MultimodalRotary
{
    /// <summary>Positions [3, B, T] int64 of the real tokens (padding gets 0, which no real token attends), every image of one grid.</summary>
    /// <param name="inputIds">[B, T] int64.</param>
    /// <param name="valid">[B, T] bool, true for real tokens.</param>
    /// <param name="imageTokenId">The placeholder id.</param>
    /// <param name="gridRows">Merged rows of each image (H / 28).</param>
    /// <param name="gridColumns">Merged columns of each image (W / 28).</param>
    public static Tensor Positions(Tensor inputIds, Tensor valid, int imageTokenId, long gridRows, long gridColumns) =>
        Positions(inputIds, valid, imageTokenId, _ => (gridRows, gridColumns));

    /// <summary>
    /// Positions [3, B, T] int64 when every image has its own grid: <paramref name="grids"/>[i] is the i-th image run of the
    /// batch, counted row by row and left to right in each row (the reference's <c>image_grid_thw</c> order).
    /// </summary>
    public static Tensor Positions(Tensor inputIds, Tensor valid, int imageTokenId, IReadOnlyList<(long Rows, long Columns)> grids)
    {
        ArgumentNullException.ThrowIfNull(grids);
        return Positions(inputIds, valid, imageTokenId, i => i < grids.Count
            ? grids[i]
            : throw new ArgumentException($"input_ids hold more image placeholder runs than the {grids.Count} image grids given.", nameof(inputIds)));
    }

    private static Tensor Positions(Tensor inputIds, Tensor valid, int imageTokenId, Func<int, (long Rows, long Columns)> gridOf)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(valid);
        var (batch, length) = (inputIds.shape[0], inputIds.shape[1]);
        long[] ids;
        bool[] real;
        using (var scope = NewDisposeScope())
        {
            ids = inputIds.cpu().contiguous().data<long>().ToArray();
            real = valid.cpu().contiguous().data<bool>().ToArray();
        }

        var positions = new long[3 * batch * length];
        int image = 0;
        for (long b = 0; b < batch; b++)
        {
            long next = 0;
            long t = 0;
            while (t < length)
            {
                long at = b * length + t;
                if (!real[at])
                {
                    t++;
                    continue;
                }
                if (ids[at] != imageTokenId)
                {
                    Set(positions, batch, length, b, t, next, next, next);
                    next++;
                    t++;
                    continue;
                }
                var (gridRows, gridColumns) = gridOf(image++);
                long perImage = gridRows * gridColumns;
                for (long k = 0; k < perImage; k++, t++)
                {
                    if (t >= length || !real[b * length + t] || ids[b * length + t] != imageTokenId)
                    {
                        throw new ArgumentException(
                            $"Row {b} has an image placeholder run that ends after {k} of the {perImage} tokens an image of " +
                            $"{gridRows} x {gridColumns} merged cells needs.",
                            nameof(inputIds));
                    }
                    Set(positions, batch, length, b, t, next, next + k / gridColumns, next + k % gridColumns);
                }
                next += Math.Max(gridRows, gridColumns);
            }
        }
        return tensor(positions, [3L, batch, length], ScalarType.Int64).to(inputIds.device);
    }

    /// <summary>cos and sin tables [B, T, headDim] for positions [3, B, T] (or [1, B, T]: the same position on every axis).</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, IReadOnlyList<int> mropeSection, long headDim, double theta, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(mropeSection);
        using var scope = NewDisposeScope();
        var device = positions.device;
        long half = headDim / 2;
        // Which axis (0 temporal, 1 height, 2 width) drives each of the head's half-width frequencies.
        var axisOfFrequency = new long[half];
        for (int f = 0, axis = 0, end = mropeSection[0]; f < half; f++)
        {
            while (f >= end && axis < mropeSection.Count - 1)
            {
                end += mropeSection[++axis];
            }
            axisOfFrequency[f] = axis;
        }

        var axes = positions.shape[0] == 1 ? positions.expand(3, positions.shape[1], positions.shape[2]) : positions;
        var perFrequency = axes.index_select(0, tensor(axisOfFrequency, ScalarType.Int64).to(device)).permute(1, 2, 0);
        // inv_freq_i = theta^(-2i/d), computed in float32 like the reference.
        var inverse = pow(theta, arange(0, headDim, 2, ScalarType.Int64, device).to(ScalarType.Float32) / headDim).reciprocal();
        var angles = perFrequency.to(ScalarType.Float32) * inverse;
        var doubled = cat([angles, angles], -1);
        return (doubled.cos().to(dtype).MoveToOuterDisposeScope(), doubled.sin().to(dtype).MoveToOuterDisposeScope());
    }

    private static void Set(long[] positions, long batch, long length, long b, long t, long temporal, long row, long column)
    {
        long plane = batch * length;
        long at = b * length + t;
        positions[at] = temporal;
        positions[plane + at] = row;
        positions[2 * plane + at] = column;
    }
}
