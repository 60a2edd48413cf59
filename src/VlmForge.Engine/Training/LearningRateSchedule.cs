namespace VlmForge.Engine.Training;

/// <summary>The shape of the learning rate over a run (the page's "Learning rate schedules").</summary>
public enum ScheduleKind
{
    /// <summary>The same rate throughout (the page's default).</summary>
    Constant,

    /// <summary>Falls linearly to zero at the end of training.</summary>
    Linear,

    /// <summary>Follows half a cosine from the peak to zero (smoother than linear).</summary>
    Cosine,
}

/// <summary>
/// Learning rate per optimizer update, with optional linear warmup. Update <c>u</c> is 0-based; warmup uses
/// <c>(u + 1) / warmup</c> so the first update already learns (Hugging Face's warmup starts at exactly zero,
/// which wastes an update).
/// </summary>
public sealed class LearningRateSchedule
{
    public LearningRateSchedule(ScheduleKind kind, double peak, long totalUpdates, long warmupUpdates)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peak);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalUpdates);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupUpdates);
        Kind = kind;
        Peak = peak;
        TotalUpdates = totalUpdates;
        WarmupUpdates = Math.Min(warmupUpdates, totalUpdates);
    }

    public ScheduleKind Kind { get; }
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
            ScheduleKind.Constant => Peak,
            ScheduleKind.Linear => Peak * (1.0 - progress),
            ScheduleKind.Cosine => Peak * 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown schedule"),
        };
    }
}
