using System.Globalization;
using BenchmarkDotNet.Running;
using VlmForge.Benchmarks.FamilyLearning;
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

// scripts/family-learning/run.sh: a random-init Qwen2.5-VL or SmolVLM snapshot to train, and VQA against answer priors.
if (args is ["--family-snapshot", var family, "--out", var folder, "--image-tokens", var tokens, "--seed", var seed])
{
    var written = LearningSnapshots.Write(family, folder, int.Parse(seed, CultureInfo.InvariantCulture), int.Parse(tokens, CultureInfo.InvariantCulture));
    Console.WriteLine($"wrote a random {family} snapshot with {tokens} image tokens to {written}");
    return;
}
if (args is ["--vqa-priors", var trainJsonl, var predictionsJsonl])
{
    Environment.ExitCode = VqaAgainstPriors.Report(trainJsonl, predictionsJsonl, Console.Out);
    return;
}

// Every benchmark class of this assembly; pick with --filter (see benchmarks/README.md).
BenchmarkSwitcher.FromAssembly(typeof(InProcessShortRunConfig).Assembly).Run(args, new InProcessShortRunConfig());
