using System.Runtime;

namespace VlmForge.Engine.Runtime;

/// <summary>
/// Keeps the garbage collector from starting while a stretch of TorchSharp work runs.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns numbers into <c>Scalar</c> objects for many tensor operations (<c>a + b</c> passes
/// <c>alpha = 1</c>, <c>t * 0.5</c> passes <c>0.5</c>) and leaves them to their finalizers. After reading the
/// handle, nothing keeps such a Scalar alive, so a collection during the native call can finalize it while libtorch
/// still reads it; training then dies at random with "Expected false to be true ... toFloat" from <c>add</c> (seen
/// here after ~300 steps; the upstream fix, dotnet/TorchSharp#1434, is not released). No object created inside a
/// no-GC region can be found unreachable before the region ends, which closes that window. Each training step and
/// each decoding step runs inside one; if the step allocates more than the budget the runtime ends the region
/// itself, and the step simply continues unprotected.
/// </remarks>
internal readonly struct NoGcRegion : IDisposable
{
    /// <summary>Managed bytes a region may allocate before the runtime ends it.</summary>
    public const long DefaultBudget = 64L * 1024 * 1024;

    private readonly bool _entered;

    private NoGcRegion(bool entered) => _entered = entered;

    /// <summary>True when this region is in force.</summary>
    public bool IsActive => _entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    /// <summary>Starts a region unless one is already active (regions do not nest).</summary>
    public static NoGcRegion Enter(long budget = DefaultBudget)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new NoGcRegion(false);
        try
        {
            return new NoGcRegion(GC.TryStartNoGCRegion(budget));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Another region is active, or the budget is larger than this runtime allows: run unprotected.
            return new NoGcRegion(false);
        }
    }

    public void Dispose()
    {
        if (!IsActive) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The region already ended because the step allocated more than its budget; nothing to undo.
        }
    }
}
