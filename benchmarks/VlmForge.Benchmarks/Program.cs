using System.Globalization;
using BenchmarkDotNet.Running;
using VlmForge.Benchmarks.Support;
using VlmForge.Benchmarks.Training;

// On a shared machine, libtorch's intra-op threads contend with other processes; VLMFORGE_TORCH_THREADS pins them
// (the benchmarks run in this process, so the setting holds for all of them).
if (Environment.GetEnvironmentVariable("VLMFORGE_TORCH_THREADS") is { Length: > 0 } threads)
{
    TorchSharp.torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
}

// Byte counts are deterministic: --sizes computes them once and prints them instead of timing anything.
if (args is ["--sizes"])
{
    TrainingMemory.Report(Console.Out);
    return;
}

// Every benchmark class of this assembly; pick with --filter (see benchmarks/README.md).
BenchmarkSwitcher.FromAssembly(typeof(InProcessShortRunConfig).Assembly).Run(args, new InProcessShortRunConfig());
