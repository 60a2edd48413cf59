using BenchmarkDotNet.Attributes;
using VlmForge.Benchmarks.Support;
using VlmForge.Data.Batching;
using VlmForge.Engine.Generation;

namespace VlmForge.Benchmarks.Generation;

/// <summary>
/// Generating 256 new tokens with the KV cache against recomputing the whole sequence (vision tower included) at every
/// step, on the tiny preset in fp32, greedy with the 1.05 repetition penalty (the root vlmforge.toml's evaluation).
/// No end token, so every row writes exactly 256 tokens. Goal: the cache at least 5x faster (Ratio of Recompute >= 5).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class KvCacheBenchmarks
{
    private const int NewTokens = 256;

    private TinyWorkload _workload = null!;
    private VlmBatch _prompts = null!;
    private TextGenerator _generator = null!;

    [Params(1, 4)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = TinyWorkload.Create();
        _prompts = _workload.GenerationBatch(BatchSize);
        _generator = new TextGenerator(_workload.Model, _workload.Tokenizer, endTokenId: null);
    }

    [Benchmark(Baseline = true, Description = "KV cache, 256 new tokens")]
    public long Cached() => Generate(GenerationMode.Cached);

    [Benchmark(Description = "Recompute, 256 new tokens")]
    public long Recompute() => Generate(GenerationMode.Recompute);

    private long Generate(GenerationMode mode)
    {
        using var sampler = _workload.CreateSampler(TinyWorkload.Greedy);
        var result = _generator.Generate(TinyWorkload.Inputs(_prompts), sampler, new GenerationOptions { MaxNewTokens = NewTokens, Mode = mode });
        if (result.Timing.Tokens != (long)NewTokens * BatchSize)
        {
            throw new InvalidOperationException($"Expected {NewTokens * BatchSize} tokens, generated {result.Timing.Tokens}.");
        }
        return result.Timing.Tokens;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _prompts.Dispose();
        _workload.Dispose();
    }
}
