using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace VlmForge.Benchmarks.Support;

/// <summary>
/// Benchmarks run inside this process (in-process toolchain): libtorch and the built-in plugin folders sit beside
/// this assembly, and a separately generated project would have neither. A short job by default, since one
/// generation benchmark takes seconds; <c>--iterationCount</c> / <c>--warmupCount</c> on the command line raise it.
/// </summary>
public sealed class InProcessShortRunConfig : ManualConfig
{
    public InProcessShortRunConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Max);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
