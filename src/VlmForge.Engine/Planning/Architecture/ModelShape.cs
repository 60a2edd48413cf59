namespace VlmForge.Engine.Planning.Architecture;

/// <summary>
/// A vision-language model as arithmetic: its transformer stacks, the linears and tensors around them, and the widths
/// the activation estimate needs. Built from a family's config.json values (<see cref="ModelShapes"/>), never from
/// hard-coded totals; tests check the counts against the engine's modules built on the meta device.
/// </summary>
public sealed record ModelShape
{
    /// <summary>What the shape describes, for example <c>Qwen/Qwen2.5-VL-7B-Instruct</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>model.family</c> value.</summary>
    public required string Family { get; init; }

    /// <summary>The language model's layers.</summary>
    public required TransformerStack Decoder { get; init; }

    /// <summary>The vision encoder's layers.</summary>
    public required TransformerStack Vision { get; init; }

    /// <summary>Linears outside the stacks: connector layers and an untied lm_head.</summary>
    public required IReadOnlyList<PlacedLinear> Linears { get; init; }

    /// <summary>Other weights: embeddings, norms outside layers, patch projections.</summary>
    public required IReadOnlyList<PlainTensor> Tensors { get; init; }

    /// <summary>Rows of the logits.</summary>
    public required long VocabSize { get; init; }

    /// <summary>Whether lm_head reuses the token embedding (then it has no weights of its own and cannot take LoRA).</summary>
    public bool TiedHead { get; init; }

    /// <summary>
    /// Per image token, the width of the connector's float32 norm input (Qwen2.5-VL's <c>ln_q</c> over 2x2 patches;
    /// 0 when it has none) and of its non-linearity's input in the compute dtype (the GELU between two linears).
    /// </summary>
    public (long NormWidth, long NonLinearityWidth) ConnectorActivationWidths { get; init; }

    /// <summary>Every parameter.</summary>
    public long TotalParameters => Decoder.Parameters + Vision.Parameters + Linears.Sum(l => l.Linear.ParameterCount) + Tensors.Sum(t => t.Elements);

    /// <summary>Parameters of one part.</summary>
    public long PartParameters(ModelPart part) =>
        (Decoder.Part == part ? Decoder.Parameters : 0)
        + (Vision.Part == part ? Vision.Parameters : 0)
        + Linears.Where(l => l.Part == part).Sum(l => l.Linear.ParameterCount)
        + Tensors.Where(t => t.Part == part).Sum(t => t.Elements);

    /// <summary>The stacks in forward order.</summary>
    public IReadOnlyList<TransformerStack> Stacks => [Vision, Decoder];

    /// <summary>The distinct linear names lora_target_modules can match, sorted.</summary>
    public IReadOnlyList<string> LinearNames =>
        Stacks.SelectMany(s => s.Linears).Select(l => l.Name).Concat(Linears.Select(l => l.Linear.Name))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
