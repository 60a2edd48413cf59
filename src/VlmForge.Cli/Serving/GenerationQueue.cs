using System.Collections.Concurrent;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Cli.Serving;

/// <summary>
/// The one model's work queue. A single thread owns the model; it takes the oldest request and, when that request
/// decodes greedily, batches it with the waiting requests that ask for the same decoding, token limit and image size
/// (greedy rows do not influence each other, so a batched answer equals the answer alone). Sampled requests run
/// alone, so a seed gives the same answer as <c>vlmforge generate</c> whatever else is waiting.
/// </summary>
public sealed class GenerationQueue : IDisposable
{
    private readonly RunContext _run;
    private readonly PromptGenerator _generator;
    private readonly int _maxBatch;
    private readonly BlockingCollection<ChatJob> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;
    private long _batches;
    private long _requests;

    public GenerationQueue(RunContext run, int maxBatch, int capacity)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _run = run;
        _generator = new PromptGenerator(RunEvaluation.GenerationContext(run));
        _maxBatch = maxBatch;
        _queue = new BlockingCollection<ChatJob>(capacity);
        _worker = new Thread(Work) { IsBackground = true, Name = "vlmforge-generation" };
        _worker.Start();
    }

    /// <summary>Batches generated so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests answered so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Queues <paramref name="job"/>; false when the queue is full.</summary>
    public bool TryEnqueue(ChatJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            return _queue.TryAdd(job);
        }
        catch (InvalidOperationException)
        {
            return false; // shutting down
        }
    }

    private void Work()
    {
        var waiting = new List<ChatJob>();
        while (true)
        {
            if (waiting.Count == 0)
            {
                try
                {
                    waiting.Add(_queue.Take(_stop.Token));
                }
                catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
                {
                    break;
                }
            }
            while (_queue.TryTake(out var more))
            {
                waiting.Add(more);
            }
            var batch = NextBatch(waiting);
            waiting.RemoveAll(batch.Contains);
            Run(batch);
        }
        foreach (var job in waiting.Concat(_queue))
        {
            job.Fail(new ApiError(503, "The server is shutting down.", type: "server_error"));
        }
    }

    private List<ChatJob> NextBatch(List<ChatJob> waiting)
    {
        var head = waiting[0];
        var batch = new List<ChatJob> { head };
        if (head.Request.Sampling.DoSample)
        {
            return batch;
        }
        batch.AddRange(waiting.Skip(1).Where(job => Batchable(head.Request, job.Request)).Take(_maxBatch - 1));
        return batch;
    }

    private static bool Batchable(ChatRequest a, ChatRequest b) =>
        !b.Sampling.DoSample
        && a.Sampling with { Seed = 0 } == b.Sampling with { Seed = 0 }
        && a.MaxTokens == b.MaxTokens
        && a.Prompt.Image.Size == b.Prompt.Image.Size;

    private void Run(List<ChatJob> batch)
    {
        var head = batch[0].Request;
        Abstractions.Sampling.ISampler sampler;
        try
        {
            sampler = _run.Plugins.Sampler(_run.Settings.Evaluation.Sampler).Create(head.Sampling);
        }
        catch (Exception e)
        {
            // The sampler plugin refused the sampling values (its own ranges are stricter than the request's checks).
            batch.ForEach(job => job.Fail(ApiError.BadRequest($"The sampler refused these settings: {e.Message}")));
            return;
        }
        try
        {
            var tokenizer = _run.Encoder.Tokenizer;
            int end = _run.Encoder.EndOfAnswerTokenId;
            var options = new GenerationOptions
            {
                MaxNewTokens = head.MaxTokens,
                OnToken = (row, token) => batch[row].Took(token, tokenizer, end),
            };
            var result = _generator.Generate(batch.Select(job => job.Request.Prompt).ToArray(), sampler, options, batch.Count);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(result.Rows[i], _run.Conventions.Boxes);
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, batch.Count);
        }
        catch (Exception e)
        {
            // The server keeps serving: only this batch fails, and its clients are told why.
            batch.ForEach(job => job.Fail(new ApiError(500, $"Generation failed: {e.Message}", type: "server_error")));
        }
        finally
        {
            sampler.Dispose();
        }
    }

    /// <summary>Stops taking requests, fails those still waiting and waits for the batch in progress.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _stop.Cancel();
        _worker.Join();
        _stop.Dispose();
        _queue.Dispose();
    }
}
