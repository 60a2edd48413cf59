using VlmForge.Models.Generation;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Generation;

/// <summary>Next-token logits of a batch being generated: the prompt's first, then one more per fed token.</summary>
internal interface ILogitSource : IDisposable
{
    /// <summary>Logits [B, V] float32 after each row's prompt.</summary>
    Tensor Start();

    /// <summary>Appends one token per row ([B] int64) and returns the logits that follow it.</summary>
    Tensor Next(Tensor tokens);
}

/// <summary>The model's KV cache: the prompt runs once, then each step runs one token per row.</summary>
internal sealed class CachedLogits(IVisionLanguageModel model, VlmInputs prompt, int maxNewTokens) : ILogitSource
{
    private KvCache? _cache;

    public Tensor Start()
    {
        PrefillResult result = model.Prefill(prompt, maxNewTokens);
        // The cache lives until generation ends; the logits belong to the caller's scope.
        _cache = result.Cache;
        return result.Logits;
    }

    public Tensor Next(Tensor tokens) =>
        model.DecodeStep(tokens, _cache ?? throw new InvalidOperationException("Start must run before Next."));

    public void Dispose() => _cache?.Dispose();
}

/// <summary>
/// No cache: each step runs the model's training forward over the whole sequence so far (images included) and keeps
/// the last position's logits. The sequence grows in place inside buffers sized for the prompt plus every new token.
/// </summary>
internal sealed class RecomputedLogits : ILogitSource
{
    private readonly IVisionLanguageModel _model;
    private readonly Tensor? _pixels;
    private readonly IReadOnlyList<ImageExtent>? _sizes;
    private readonly Tensor _ids;
    private readonly Tensor _mask;
    private long _length;

    public RecomputedLogits(IVisionLanguageModel model, VlmInputs prompt, int maxNewTokens)
    {
        _model = model;
        _pixels = prompt.PixelValues?.alias().DetachFromDisposeScope();
        _sizes = prompt.ImageSizes;
        var batch = prompt.InputIds.shape[0];
        _length = prompt.InputIds.shape[1];
        var device = prompt.InputIds.device;
        _ids = zeros([batch, _length + maxNewTokens], ScalarType.Int64, device).DetachFromDisposeScope();
        _mask = zeros([batch, _length + maxNewTokens], ScalarType.Int64, device).DetachFromDisposeScope();
        _ids.narrow(1, 0, _length).copy_(prompt.InputIds);
        if (prompt.AttentionMask is null)
        {
            _mask.narrow(1, 0, _length).fill_(1);
        }
        else
        {
            _mask.narrow(1, 0, _length).copy_(prompt.AttentionMask);
        }
    }

    public Tensor Start() => LastLogits();

    public Tensor Next(Tensor tokens)
    {
        if (_length == _ids.shape[1])
        {
            throw new InvalidOperationException($"The sequence buffer of {_ids.shape[1]} positions is full.");
        }
        _ids.select(1, _length).copy_(tokens);
        _mask.select(1, _length).fill_(1);
        _length++;
        return LastLogits();
    }

    private Tensor LastLogits()
    {
        using var scope = NewDisposeScope();
        var inputs = new VlmInputs(_pixels, _ids.narrow(1, 0, _length), _mask.narrow(1, 0, _length), ImageSizes: _sizes);
        var logits = _model.Forward(inputs).Logits;
        // Left padding puts every row's latest token in the last column.
        return logits.select(1, _length - 1).contiguous().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _pixels?.Dispose();
        _ids.Dispose();
        _mask.Dispose();
    }
}
