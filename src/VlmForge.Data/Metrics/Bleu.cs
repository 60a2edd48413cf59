using System.Text.RegularExpressions;

namespace VlmForge.Data.Metrics;

/// <summary>Corpus BLEU and its parts.</summary>
public sealed record BleuScore(double Score, IReadOnlyList<double> Precisions, double BrevityPenalty, int HypothesisLength, int ReferenceLength);

/// <summary>
/// Corpus-level BLEU-4 (Papineni et al. 2002): clipped n-gram counts summed over the corpus, uniform
/// weights over 1..4-grams, brevity penalty exp(1 - r/c) when the hypotheses are shorter than the
/// references (r = sum of each hypothesis's closest reference length, the shorter on a tie). No smoothing:
/// a corpus without any matching 4-gram scores 0. Tokens: lower-cased words and single punctuation marks.
/// </summary>
public static partial class Bleu
{
    public const int MaxOrder = 4;

    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Tokens().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();
    }

    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses but {references.Count} reference sets.", nameof(references));
        }

        var matches = new long[MaxOrder];
        var totals = new long[MaxOrder];
        int hypothesisLength = 0;
        int referenceLength = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            if (references[i].Count == 0)
            {
                throw new ArgumentException($"Hypothesis {i} has no reference.", nameof(references));
            }

            IReadOnlyList<string> hypothesis = Tokenize(hypotheses[i]);
            var refs = references[i].Select(Tokenize).ToArray();
            hypothesisLength += hypothesis.Count;
            referenceLength += refs
                .Select(r => r.Count)
                .OrderBy(length => Math.Abs(length - hypothesis.Count))
                .ThenBy(length => length)
                .First();

            for (int n = 1; n <= MaxOrder; n++)
            {
                Dictionary<string, int> counts = NGrams(hypothesis, n);
                var maxReference = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in refs)
                {
                    foreach ((string gram, int count) in NGrams(reference, n))
                    {
                        maxReference[gram] = Math.Max(maxReference.GetValueOrDefault(gram), count);
                    }
                }

                foreach ((string gram, int count) in counts)
                {
                    matches[n - 1] += Math.Min(count, maxReference.GetValueOrDefault(gram));
                    totals[n - 1] += count;
                }
            }
        }

        double[] precisions = Enumerable.Range(0, MaxOrder).Select(n => totals[n] == 0 ? 0 : (double)matches[n] / totals[n]).ToArray();
        double brevity = hypothesisLength == 0 ? 0
            : hypothesisLength > referenceLength ? 1
            : Math.Exp(1 - ((double)referenceLength / hypothesisLength));
        double score = precisions.Any(p => p == 0) ? 0 : brevity * Math.Exp(precisions.Sum(Math.Log) / MaxOrder);
        return new BleuScore(score, precisions, brevity, hypothesisLength, referenceLength);
    }

    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            // U+0001 cannot occur in a token, so joined n-grams never collide.
            string gram = string.Join('\u0001', tokens.Skip(i).Take(n));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }

        return counts;
    }

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex Tokens();
}
