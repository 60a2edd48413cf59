using BenchmarkDotNet.Attributes;

namespace VlmForge.Benchmarks.Training;

/// <summary>
/// One engine optimizer step in fp32 against bf16 (<c>model.precision</c>), full fine-tuning, batch 16. bf16 keeps
/// fp32 master weights and optimizer state and computes activations in bf16. No goal: the answer depends on the CPU.
/// With avx512_bf16 or AMX, bf16 matmuls are native and faster; without them (the development host) libtorch emulates
/// them and bf16 is several times slower, which the engine says when a run starts. Report the CPU with the numbers.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class PrecisionStepBenchmarks
{
    private TrainingRig _rig = null!;

    [GlobalSetup(Target = nameof(Fp32))]
    public void SetupFp32() => _rig = new TrainingRig(TrainingVariant.FullFp32);

    [GlobalSetup(Target = nameof(Bf16))]
    public void SetupBf16() => _rig = new TrainingRig(TrainingVariant.FullBf16);

    [Benchmark(Baseline = true, Description = "Engine step, full, fp32")]
    public long Fp32() => _rig.EngineStep();

    [Benchmark(Description = "Engine step, full, bf16")]
    public long Bf16() => _rig.EngineStep();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();
}
