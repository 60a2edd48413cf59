using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>
/// Fixed 2D sine-cosine position codes for a square patch grid (as MAE): half the width encodes the row, half the
/// column, each with sines and cosines at geometric frequencies. Starting the learned position table from them
/// gives a model trained from scratch exact patch positions from its first step.
/// </summary>
public static class SinCosPositions
{
    /// <summary>[grid·grid, width] float32, rows in row-major patch order.</summary>
    public static Tensor Table(int grid, long width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grid, 1);
        if (width % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(width), width, "2D sine-cosine positions need a width divisible by 4.");
        long quarter = width / 4;
        var values = new float[grid * grid * width];
        for (int row = 0; row < grid; row++)
        {
            for (int col = 0; col < grid; col++)
            {
                int offset = (row * grid + col) * (int)width;
                for (long i = 0; i < quarter; i++)
                {
                    double omega = 1.0 / Math.Pow(10000, (double)i / quarter);
                    // First half: the row (sin then cos); second half: the column.
                    values[offset + i] = (float)Math.Sin(row * omega);
                    values[offset + quarter + i] = (float)Math.Cos(row * omega);
                    values[offset + 2 * quarter + i] = (float)Math.Sin(col * omega);
                    values[offset + 3 * quarter + i] = (float)Math.Cos(col * omega);
                }
            }
        }
        return tensor(values, [grid * grid, width]);
    }
}
