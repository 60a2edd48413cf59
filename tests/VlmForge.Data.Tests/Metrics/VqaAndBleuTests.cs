using VlmForge.Data.Metrics;

namespace VlmForge.Data.Tests.Metrics;

public class VqaAndBleuTests
{
    [Theory]
    [InlineData("Two", "2")]
    [InlineData("The red one.", "red 1")]
    [InlineData("yes!", "yes")]
    [InlineData("dont know", "don't know")]
    [InlineData("a circle", "circle")]
    [InlineData("3.5", "3.5")]
    [InlineData("left.", "left")]
    [InlineData("1,000", "1000")]
    [InlineData("red,blue", "red blue")]
    [InlineData("red, blue", "red blue")]
    [InlineData(" None\n", "0")]
    public void Answers_are_normalized_like_the_official_vqa_evaluation(string answer, string normalized)
    {
        Assert.Equal(normalized, VqaAnswerNormalizer.Normalize(answer));
    }

    [Fact]
    public void Accuracy_is_the_share_of_exact_matches_after_normalization()
    {
        VqaAccuracy accuracy = VqaAccuracy.From([("Two.", "2"), ("The circle", "circle"), ("left", "right"), ("RED", "red")]);
        Assert.Equal(4, accuracy.Questions);
        Assert.Equal(3, accuracy.Correct);
        Assert.Equal(0.75, accuracy.Accuracy);
    }

    [Fact]
    public void Bleu_of_one_sentence_pair_matches_the_hand_computation()
    {
        // p1 = 5/6 (clipped "the"), p2 = 3/5, p3 = 2/4, p4 = 1/3; equal lengths so BP = 1: BLEU = (1/12)^(1/4).
        BleuScore bleu = Bleu.Corpus(["the cat sat on the mat"], [["the cat sat on a mat"]]);
        Assert.Equal([5.0 / 6, 3.0 / 5, 2.0 / 4, 1.0 / 3], bleu.Precisions);
        Assert.Equal(1, bleu.BrevityPenalty);
        Assert.Equal(Math.Pow(1.0 / 12, 0.25), bleu.Score, 12);
        Assert.Equal(0.537284965911771, bleu.Score, 12);
    }

    [Fact]
    public void Corpus_bleu_sums_counts_over_sentences_and_uses_the_closest_reference_length()
    {
        // Second pair: p = 4/4, 2/3, 1/2, 0/1; references of 5 and 3 words are equally close to 4 → the shorter, 3.
        BleuScore bleu = Bleu.Corpus(
            ["the cat sat on the mat", "a dog runs fast"],
            [["the cat sat on a mat"], ["a dog runs very fast", "the dog runs"]]);
        Assert.Equal([9.0 / 10, 5.0 / 8, 3.0 / 6, 1.0 / 4], bleu.Precisions);
        Assert.Equal(10, bleu.HypothesisLength);
        Assert.Equal(9, bleu.ReferenceLength);
        Assert.Equal(1, bleu.BrevityPenalty);
        Assert.Equal(0.5149417859767794, bleu.Score, 12);
    }

    [Fact]
    public void Short_hypotheses_pay_the_brevity_penalty()
    {
        // All n-grams match, c = 4, r = 6: BP = exp(1 - 6/4) = exp(-0.5).
        BleuScore bleu = Bleu.Corpus(["The cat sat on"], [["the cat sat on the mat"]]);
        Assert.Equal(Math.Exp(-0.5), bleu.BrevityPenalty, 12);
        Assert.Equal(Math.Exp(-0.5), bleu.Score, 12);
    }

    [Fact]
    public void Without_a_matching_four_gram_the_unsmoothed_score_is_zero()
    {
        Assert.Equal(0, Bleu.Corpus(["a red circle"], [["a red circle"]]).Score);
        Assert.Equal(["a", "red", "circle", "."], Bleu.Tokenize("A red circle."));
    }
}
