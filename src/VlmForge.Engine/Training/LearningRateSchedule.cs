using VlmForge.Settings;

namespace VlmForge.Engine.Training;

/// <summary>
/// Learning rate per optimizer update, with optional linear warmup. Update <c>u</c> is 0-based; warmup uses
/// <c>(u + 1) / warmup</c> so the first update already learns (Hugging Face's warmup starts at exactly zero,
/// which wastes an update).
/// </summary>
internal sealed class LearningRateSchedule
{
    public LearningRateSchedule(LrSchedule kind, double peak, long totalUpdates, long warmupUpdates)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peak);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalUpdates);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupUpdates);
        Kind = kind;
        Peak = peak;
        TotalUpdates = totalUpdates;
        WarmupUpdates = Math.Min(warmupUpdates, totalUpdates);
    }

    public LrSchedule Kind { get; }
    public double Peak { get; }
    public long TotalUpdates { get; }
    public long WarmupUpdates { get; }

    /// <summary>The rate for update <paramref name="update"/> (0-based).</summary>
    public double At(long update)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(update);
        if (update < WarmupUpdates)
            return Peak * (update + 1) / WarmupUpdates;

        long decaySpan = TotalUpdates - WarmupUpdates;
        double progress = decaySpan <= 0 ? 1.0 : Math.Min(1.0, (double)(update - WarmupUpdates) / decaySpan);
        return Kind switch
        {
            LrSchedule.Constant => Peak,
            LrSchedule.Linear => Peak * (1.0 - progress),
            LrSchedule.Cosine => Peak * 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown schedule"),
        };
    }
}
