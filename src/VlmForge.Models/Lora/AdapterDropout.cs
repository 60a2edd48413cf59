using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Lora;

/// <summary>
/// Inverted dropout whose mask depends only on the CPU random state. On CPU it draws from the default generator; on
/// other devices it seeds a fresh device generator from a number drawn on the CPU. Gradient checkpointing restores
/// the CPU state before recomputing, so the recomputed mask is the one used in forward on every device (TorchSharp
/// exposes no way to save a CUDA generator's state).
/// </summary>
internal static class AdapterDropout
{
    public static Tensor Apply(Tensor input, double probability, bool training)
    {
        if (!training || probability == 0)
        {
            return input.alias();
        }
        using var scope = NewDisposeScope();
        Tensor uniform;
        if (input.device_type == DeviceType.CPU)
        {
            uniform = rand(input.shape, ScalarType.Float32, input.device);
        }
        else
        {
            var seed = randint(0, long.MaxValue, [1], ScalarType.Int64).item<long>();
            using var generator = new Generator((ulong)seed, input.device);
            uniform = rand(input.shape, ScalarType.Float32, input.device, generator: generator);
        }
        var keep = (uniform >= probability).to(input.dtype);
        return (input * keep / (1 - probability)).MoveToOuterDisposeScope();
    }
}
