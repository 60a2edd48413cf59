using static TorchSharp.torch;

namespace VlmForge.Models.Inspection;

/// <summary>
/// Watches forward passes of the shared decoder (every model family uses it) to tell whether a model looks at its
/// images: per layer, the share of attention that the queries of interest (the positions that predict answer tokens)
/// give to image-token keys, and the image tokens as the decoder receives them. Listening makes attention compute its
/// probabilities explicitly, so it is for diagnosis, never for training. One probe per forward call.
/// </summary>
public sealed class AttentionProbe : IDisposable
{
    private static readonly AsyncLocal<AttentionProbe?> Active = new();

    private readonly Tensor _imageKeys;
    private readonly Tensor _queries;
    private readonly SortedDictionary<int, (double Share, long Count)> _layers = [];
    private AttentionProbe? _previous;

    /// <param name="imageKeys">[B, T] bool: positions that hold image tokens.</param>
    /// <param name="queries">[B, T] bool: positions whose attention is measured (those that predict answer tokens).</param>
    public AttentionProbe(Tensor imageKeys, Tensor queries)
    {
        ArgumentNullException.ThrowIfNull(imageKeys);
        ArgumentNullException.ThrowIfNull(queries);
        _imageKeys = imageKeys.to(ScalarType.Bool).detach().clone();
        _imageKeys.DetachFromDisposeScope();
        _queries = queries.to(ScalarType.Bool).detach().clone();
        _queries.DetachFromDisposeScope();
    }

    /// <summary>The probe the decoder reports to on this thread of execution, if any.</summary>
    public static AttentionProbe? Current => Active.Value;

    /// <summary>Per decoder layer (in order): mean share of attention, over heads and measured queries, on image tokens.</summary>
    public IReadOnlyList<double> ImageAttentionShare => _layers.Values.Select(v => v.Count == 0 ? 0 : v.Share / v.Count).ToList();

    /// <summary>The decoder's input vectors at image positions, [image tokens in the batch, width] (float32), once seen.</summary>
    public Tensor? ImageTokens { get; private set; }

    /// <summary>Makes this probe the current one until the returned scope ends.</summary>
    public IDisposable Listen()
    {
        _previous = Active.Value;
        Active.Value = this;
        return new Restore(this);
    }

    /// <summary>Called by the decoder with its input embeddings [B, T, width].</summary>
    public void RecordInput(Tensor inputsEmbeds)
    {
        ArgumentNullException.ThrowIfNull(inputsEmbeds);
        if (ImageTokens is not null || inputsEmbeds.shape[1] != _imageKeys.shape[1])
        {
            return;
        }
        using var noGrad = no_grad();
        var tokens = inputsEmbeds.detach().to(ScalarType.Float32)[_imageKeys.to(inputsEmbeds.device)].cpu();
        tokens.DetachFromDisposeScope();
        ImageTokens = tokens;
    }

    /// <summary>Called by decoder layer <paramref name="layer"/> with its attention probabilities [B, heads, T, S].</summary>
    public void RecordAttention(int layer, Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.shape[2] != _queries.shape[1] || probabilities.shape[3] != _imageKeys.shape[1])
        {
            return; // a cached decoding step, not the measured forward call
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = probabilities.device;
        var onImages = (probabilities.to(ScalarType.Float32) * _imageKeys.to(device).unsqueeze(1).unsqueeze(1)).sum(-1); // [B, H, T]
        var measured = _queries.to(device).unsqueeze(1).expand_as(onImages);
        var share = onImages.masked_select(measured).sum().item<float>();
        var count = measured.sum().item<long>();
        var (sum, seen) = _layers.GetValueOrDefault(layer);
        _layers[layer] = (sum + share, seen + count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _imageKeys.Dispose();
        _queries.Dispose();
        ImageTokens?.Dispose();
    }

    private sealed class Restore(AttentionProbe probe) : IDisposable
    {
        public void Dispose() => Active.Value = probe._previous;
    }
}
