using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VlmForge.Benchmarks.Training;

/// <summary>
/// One engine optimizer step with LoRA (rank 16, alpha 32, dropout 0.05 on q/k/v/o_proj, base frozen in fp32) against
/// full fine-tuning, fp32, batch 16; the "Trainable state" column gives the bytes of trainable weights, gradients and
/// AdamW moments each keeps (measured from the tensors after the run; <c>--sizes</c> prints the breakdown). No timing
/// goal: on the tiny preset the frozen base still runs forward and backward through activations, so LoRA saves
/// mostly the weight gradients and the optimizer; the state shrinks by orders of magnitude.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[Config(typeof(TrainableStateConfig))]
public class LoraVsFullBenchmarks
{
    /// <summary>Trainable state per benchmark method, recorded at cleanup for the column (benchmarks run in this process).</summary>
    internal static ConcurrentDictionary<string, TrainableStateBytes> Measured { get; } = new(StringComparer.Ordinal);

    private TrainingRig _rig = null!;

    [GlobalSetup(Target = nameof(Full))]
    public void SetupFull() => _rig = new TrainingRig(TrainingVariant.FullFp32);

    [GlobalSetup(Target = nameof(Lora))]
    public void SetupLora() => _rig = new TrainingRig(TrainingVariant.LoraFp32);

    [Benchmark(Baseline = true, Description = "Engine step, full fine-tuning, fp32")]
    public long Full() => _rig.EngineStep();

    [Benchmark(Description = "Engine step, LoRA r16 on attention, fp32")]
    public long Lora() => _rig.EngineStep();

    [GlobalCleanup(Target = nameof(Full))]
    public void CleanupFull() => Cleanup(nameof(Full));

    [GlobalCleanup(Target = nameof(Lora))]
    public void CleanupLora() => Cleanup(nameof(Lora));

    private void Cleanup(string method)
    {
        Measured[method] = TrainingMemory.TrainableState(_rig);
        _rig.Dispose();
    }

    private sealed class TrainableStateConfig : ManualConfig
    {
        public TrainableStateConfig() => AddColumn(new TrainableStateColumn());
    }

    /// <summary>Bytes of trainable weights + gradients + AdamW moments of the benchmark's model.</summary>
    private sealed class TrainableStateColumn : IColumn
    {
        public string Id => nameof(TrainableStateColumn);
        public string ColumnName => "Trainable state";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Bytes of trainable weights, their gradients and AdamW's exp_avg and exp_avg_sq after the run";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            Measured.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var state)
                ? string.Create(CultureInfo.InvariantCulture, $"{state.Total / 1048576.0:0.000} MiB")
                : "not measured";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
