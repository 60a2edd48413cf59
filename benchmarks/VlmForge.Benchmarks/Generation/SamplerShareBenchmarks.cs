using BenchmarkDotNet.Attributes;
using VlmForge.Abstractions.Sampling;
using VlmForge.Benchmarks.Support;
using VlmForge.Data.Batching;
using VlmForge.Engine.Generation;
using static TorchSharp.torch;

namespace VlmForge.Benchmarks.Generation;

/// <summary>
/// The sampler's share of decoding: 256 cached decoding steps (the baseline) against the 256 sampler calls alone that
/// such a run makes (the model's real next-token logits, a previous-token window growing from 0 to 255 for the
/// repetition penalty). The Ratio of the sampler row is its share of a decoding step; goal: at most 0.05.
/// "greedy" is the root vlmforge.toml's evaluation (arg-max after the penalty); "page-defaults" samples with the
/// page's top-k 50, top-p 0.95, temperature 1 and penalty 1.05.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class SamplerShareBenchmarks
{
    private const int Steps = 256;

    private TinyWorkload _workload = null!;
    private VlmBatch _prompts = null!;
    private TextGenerator _generator = null!;
    private Tensor _logits = null!;
    private Tensor _previous = null!;

    [Params("greedy", "page-defaults")]
    public string Sampling { get; set; } = "greedy";

    [Params(1, 4)]
    public int BatchSize { get; set; }

    private SamplingOptions Options => Sampling == "greedy" ? TinyWorkload.Greedy : TinyWorkload.PageDefaults;

    [GlobalSetup]
    public void Setup()
    {
        _workload = TinyWorkload.Create();
        _prompts = _workload.GenerationBatch(BatchSize);
        _generator = new TextGenerator(_workload.Model, _workload.Tokenizer, endTokenId: null);
        var prefill = _workload.Model.Prefill(TinyWorkload.Inputs(_prompts), maxNewTokens: 1);
        prefill.Cache.Dispose();
        _logits = prefill.Logits.DetachFromDisposeScope();
        _previous = randint(_workload.Config.VocabSize, [BatchSize, Steps], dtype: ScalarType.Int64).DetachFromDisposeScope();
    }

    [Benchmark(Baseline = true, Description = "256 decoding steps (model + sampler)")]
    public long Decoding()
    {
        using var sampler = _workload.CreateSampler(Options);
        return _generator.Generate(TinyWorkload.Inputs(_prompts), sampler, new GenerationOptions { MaxNewTokens = Steps }).Timing.Tokens;
    }

    [Benchmark(Description = "256 sampler calls alone")]
    public long SamplerAlone()
    {
        using var sampler = _workload.CreateSampler(Options);
        long sum = 0;
        for (int t = 0; t < Steps; t++)
        {
            using var scope = NewDisposeScope();
            sum += sampler.Next(_logits, _previous.narrow(1, 0, t)).sum().item<long>();
        }
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logits.Dispose();
        _previous.Dispose();
        _prompts.Dispose();
        _workload.Dispose();
    }
}
