namespace VlmForge.Engine.Planning.Remedies;

/// <summary>How an estimate sits on a GPU, by the page's advice: 70-80% utilization is optimal, under 50% leaves room.</summary>
internal enum GpuFit
{
    /// <summary>Under half the GPU: the batch size can grow.</summary>
    Roomy,

    /// <summary>At most 80%: fits comfortably.</summary>
    Comfortable,

    /// <summary>Between 80% and 100%: fits, without the page's safety margin.</summary>
    Tight,

    /// <summary>Over 100%: out of memory.</summary>
    DoesNotFit,
}

/// <summary>A GPU's memory and the page's utilization thresholds.</summary>
/// <param name="Bytes">Memory of the GPU.</param>
internal sealed record GpuBudget(long Bytes)
{
    /// <summary>The page: "fits in GPU memory comfortably (~80% utilization)".</summary>
    public const double ComfortableUtilization = 0.80;

    /// <summary>The page: "low utilization (&lt;50%): can increase batch size".</summary>
    public const double LowUtilization = 0.50;

    /// <summary>A GPU of <paramref name="gib"/> GiB (GPUs are sized in GiB: a "24 GB" card holds 24 GiB).</summary>
    public static GpuBudget FromGiB(double gib)
    {
        if (!(gib > 0) || double.IsInfinity(gib))
            throw new ArgumentOutOfRangeException(nameof(gib), gib, "The GPU memory must be a positive number of GB.");
        return new GpuBudget(Quantities.Bytes(gib));
    }

    /// <summary>Share of the GPU <paramref name="bytes"/> take.</summary>
    public double Utilization(long bytes) => (double)bytes / Bytes;

    /// <summary>How <paramref name="bytes"/> fit.</summary>
    public GpuFit Fit(long bytes) => Utilization(bytes) switch
    {
        < LowUtilization => GpuFit.Roomy,
        <= ComfortableUtilization => GpuFit.Comfortable,
        <= 1 => GpuFit.Tight,
        _ => GpuFit.DoesNotFit,
    };

    /// <summary>Whether <paramref name="bytes"/> stay within the page's 80%.</summary>
    public bool IsComfortable(long bytes) => Utilization(bytes) <= ComfortableUtilization;
}
