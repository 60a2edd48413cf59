using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>Resolves <c>run.device</c> and <c>run.threads</c>.</summary>
internal static class DeviceSelection
{
    public static Device Resolve(RunDevice device) => device switch
    {
        RunDevice.Cpu => CPU,
        RunDevice.Cuda when cuda.is_available() => CUDA,
        RunDevice.Cuda => throw new WorkflowException(
            "run.device = \"cuda\" but no CUDA device is available to libtorch. Build with -p:TorchBackend=cuda on a machine " +
            "with an NVIDIA GPU, or set run.device = \"auto\" or \"cpu\"."),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>Sets libtorch's intra-op threads when <paramref name="threads"/> is positive (0 keeps libtorch's choice).</summary>
    public static void ApplyThreads(int threads)
    {
        if (threads > 0) set_num_threads(threads);
    }
}
