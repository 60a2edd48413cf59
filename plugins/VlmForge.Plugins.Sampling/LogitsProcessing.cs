using static TorchSharp.torch;

namespace VlmForge.Plugins.Sampling;

/// <summary>The steps of <see cref="StandardSampler"/>, each as Hugging Face's logits processor of the same name does it.</summary>
internal static class LogitsProcessing
{
    /// <summary>
    /// CTRL's repetition penalty (RepetitionPenaltyLogitsProcessor): for every token in <paramref name="previous"/>,
    /// a positive logit is divided by the penalty and a negative one multiplied, so the token always becomes less
    /// likely. A token that occurs several times is penalized once.
    /// </summary>
    public static Tensor RepetitionPenalty(Tensor scores, Tensor previous, double penalty)
    {
        var picked = scores.gather(1, previous);
        var penalized = where(picked.lt(0), picked * penalty, picked / penalty);
        return scores.scatter(1, previous, penalized);
    }

    /// <summary>
    /// Nucleus filtering on probabilities sorted in descending order: a candidate is kept while the probability of the
    /// candidates before it is still below <paramref name="topP"/>, so the smallest set that reaches P survives
    /// (TopPLogitsWarper; the best candidate is always kept). Returns the mask of removed candidates.
    /// </summary>
    public static Tensor TopPRemovedMask(Tensor sortedProbabilities, double topP)
    {
        using var scope = NewDisposeScope();
        var probabilities = sortedProbabilities;
        var before = probabilities.cumsum(-1) - probabilities;
        var removed = before.ge(topP);
        removed.select(1, 0).fill_(false);
        return removed.MoveToOuterDisposeScope();
    }
}
