using VlmForge.Engine.Runtime;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>The warning <c>check</c>, <c>plan</c> and <c>train</c> give when the config's precision is much slower than another on the CPU it will run on.</summary>
public static class PrecisionAdvice
{
    /// <summary>The warning for <paramref name="settings"/>, or null (GPU runs, or a precision that is fast here).</summary>
    public static string? Warning(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool onCpu = settings.Run.Device == RunDevice.Cpu || (settings.Run.Device == RunDevice.Auto && !cuda.is_available());
        return onCpu ? PrecisionSpeed.Cached().Warning(settings.Model.Precision) : null;
    }
}
