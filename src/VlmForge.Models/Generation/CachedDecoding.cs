using VlmForge.Models.Decoder;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Models.Generation;

/// <summary>
/// The KV-cache generation steps every decoder-only model shares. Models differ only in how they embed the prompt and
/// where its rotary positions come from, so they compute those and hand the rest to these steps.
/// </summary>
internal static class CachedDecoding
{
    /// <summary>[B, T] bool: which prompt positions hold real tokens. Every row needs at least one.</summary>
    public static Tensor PromptValidity(Tensor? attentionMask, long batch, long length, Device device, string argument)
    {
        var valid = attentionMask is null ? ones(batch, length, ScalarType.Bool, device) : attentionMask.to(ScalarType.Bool);
        if (valid.sum(1, type: ScalarType.Int64).min().item<long>() == 0)
        {
            throw new ArgumentException("Every prompt row needs at least one real token (attention_mask 1).", argument);
        }
        return valid;
    }

    /// <summary>
    /// Runs the prompt through <paramref name="decoder"/> into a new cache with room for <paramref name="maxNewTokens"/>
    /// more positions, and returns the logits after each row's last real token.
    /// </summary>
    /// <param name="nextPositions">[B] the rotary position each row's first generated token gets.</param>
    public static PrefillResult Prefill(
        Func<Tensor, AttentionContext, Tensor> decoder, Func<Tensor, Tensor> head, Tensor embeds, Tensor valid, (Tensor Cos, Tensor Sin) rotary,
        Tensor nextPositions, KvCacheShape shape, int maxNewTokens)
    {
        var (batch, length) = (valid.shape[0], valid.shape[1]);
        var allValid = valid.all().item<bool>();
        var cache = new KvCache(shape.Layers, batch, shape.KeyValueHeads, length + maxNewTokens, shape.HeadDim, shape.Dtype, embeds.device);
        try
        {
            cache.EnsureRoom(length);
            var mask = allValid ? null : CausalLanguageModeling.PaddedCausalMask(valid);
            var hidden = decoder(embeds, new AttentionContext(rotary.Cos, rotary.Sin, mask, isCausal: allValid, cache));
            cache.Advance(length, valid, nextPositions);

            // The next token follows each row's last real token, wherever padding put it.
            var lastReal = (arange(length, ScalarType.Int64, embeds.device) * valid.to(ScalarType.Int64)).argmax(1);
            var lastHidden = hidden[arange(batch, ScalarType.Int64, embeds.device), lastReal];
            return new PrefillResult(head(lastHidden).to(ScalarType.Float32).MoveToOuterDisposeScope(), cache);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>Checks one next token per row (int64 [B], ids in the vocabulary) and that the cache has room for it.</summary>
    public static void CheckNextTokens(Tensor nextTokens, KvCache cache, int vocabSize, string idHint)
    {
        ArgumentNullException.ThrowIfNull(nextTokens);
        ArgumentNullException.ThrowIfNull(cache);
        if (nextTokens.ndim != 1 || nextTokens.shape[0] != cache.BatchSize || nextTokens.dtype != ScalarType.Int64)
        {
            throw new ArgumentException(
                $"nextTokens must be int64 [{cache.BatchSize}] (one token per row), got {nextTokens.dtype} [{string.Join(", ", nextTokens.shape)}].",
                nameof(nextTokens));
        }
        CausalLanguageModeling.CheckIds(nextTokens, vocabSize, nameof(nextTokens), idHint);
        cache.EnsureRoom(1);
    }

    /// <summary>Feeds one embedded token per row [B, 1, D] through the cache and returns the next logits [B, V] (float32).</summary>
    public static Tensor Decode(
        Func<Tensor, AttentionContext, Tensor> decoder, Func<Tensor, Tensor> head, Tensor embeds, (Tensor Cos, Tensor Sin) rotary, KvCache cache)
    {
        var newValid = ones(cache.BatchSize, 1, ScalarType.Bool, embeds.device);
        // One query attends every cached position, so no causal mask; only padding in the cache must be hidden.
        var mask = cache.AllValid ? null : cat([cache.ValidKeys, newValid], 1).unsqueeze(1).unsqueeze(1);
        var hidden = decoder(embeds, new AttentionContext(rotary.Cos, rotary.Sin, mask, isCausal: false, cache));
        cache.Advance(1, newValid, cache.NextPositions + 1);
        return head(hidden.select(1, 0)).to(ScalarType.Float32);
    }
}

/// <summary>What a model's KV cache holds per layer, and how many layers.</summary>
internal readonly record struct KvCacheShape(int Layers, long KeyValueHeads, long HeadDim, ScalarType Dtype);
