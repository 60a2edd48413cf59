using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Common;

/// <summary>
/// The output head of a model with <c>tie_word_embeddings</c>: logits are the hidden states times the token table.
/// It owns no parameter, so the state_dict has no <c>lm_head.weight</c> (Hugging Face saves tied weights once, under
/// <c>embed_tokens</c>); it reads the table at call time, so freezing or loading the embedding also changes the head.
/// </summary>
public sealed class TiedLmHead : nn.Module<Tensor, Tensor>
{
    // Not a module-typed field: TorchSharp registers those as children when the parent registers this module, and the
    // table would then be listed twice (embed_tokens and lm_head.embedding) in the state_dict.
    private readonly Func<TokenEmbedding> table;

    /// <summary>A head that shares <paramref name="embedding"/>'s weight.</summary>
    public TiedLmHead(TokenEmbedding embedding) : base("lm_head")
    {
        ArgumentNullException.ThrowIfNull(embedding);
        table = () => embedding;
    }

    /// <summary>Maps [..., width] to [..., vocab] in the embedding's compute dtype.</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var embedding = table();
        var dtype = embedding.ComputeDtype;
        return nn.functional.linear(hidden.to(dtype), embedding.Weight.to(dtype)).MoveToOuterDisposeScope();
    }
}
