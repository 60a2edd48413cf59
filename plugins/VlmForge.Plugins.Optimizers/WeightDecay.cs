namespace VlmForge.Plugins.Optimizers;

/// <summary>How weight decay enters the Adam update.</summary>
internal enum WeightDecay
{
    /// <summary>AdamW: the parameter shrinks by <c>lr · wd</c> before the Adam step, independent of the gradient's scale.</summary>
    Decoupled,

    /// <summary>Adam: <c>wd · θ</c> is added to the gradient, so it is rescaled by the adaptive denominator like the gradient.</summary>
    L2,
}
