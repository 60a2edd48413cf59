using System.Diagnostics;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization;
using Xunit.Abstractions;

namespace VlmForge.Data.Tests.Tasks;

public class GroundingDecodingConstraintTests(ITestOutputHelper output)
{
    private static readonly TinyTokenizer Tokenizer = TinyTokenizer.Build(SampleTexts.Corpus, new TinyTokenizerOptions { MaxNumber = 64 });

    private static GroundingDecodingConstraint NewConstraint() => new(
        Enumerable.Range(0, Tokenizer.VocabularySize).Select(Tokenizer.TokenText).ToArray(),
        Tokenizer.EndOfSequenceId,
        GroundingConstraintOptions.ForSquareImage(64));

    [Fact]
    public void The_tokens_of_a_valid_answer_are_allowed_one_by_one_and_eos_only_at_the_end()
    {
        GroundingDecodingConstraint constraint = NewConstraint();
        IReadOnlyList<int> ids = Tokenizer.Encode(SampleTexts.GroundingAnswer);
        foreach (int id in ids)
        {
            Assert.False(constraint.IsAllowed(Tokenizer.EndOfSequenceId));
            Assert.True(constraint.IsAllowed(id), $"token '{Tokenizer.Vocabulary[id]}' should be allowed");
            Assert.True(constraint.Accept(id));
        }

        Assert.True(constraint.IsComplete);
        Assert.True(constraint.IsAllowed(Tokenizer.EndOfSequenceId));
    }

    [Fact]
    public void At_the_start_only_an_opening_brace_is_allowed()
    {
        GroundingDecodingConstraint constraint = NewConstraint();
        var mask = new bool[Tokenizer.VocabularySize];
        constraint.FillAllowed(mask);
        string[] allowed = Enumerable.Range(0, mask.Length).Where(i => mask[i]).Select(i => Tokenizer.Vocabulary[i]).ToArray();
        Assert.Contains("{", allowed);
        Assert.Contains("{\"", allowed);
        Assert.DoesNotContain("red", allowed);
        Assert.DoesNotContain(TinyTokenizer.EndOfSequence, allowed);
        Assert.DoesNotContain(TinyTokenizer.Image, allowed);
        // No blank first: a weakly trained model would fill every allowed token with spaces and never open the object.
        Assert.All(allowed, t => Assert.StartsWith("{", t, StringComparison.Ordinal));
    }

    [Fact]
    public void The_mask_agrees_with_checking_each_token_at_every_step()
    {
        GroundingDecodingConstraint constraint = NewConstraint();
        var mask = new bool[Tokenizer.VocabularySize];
        foreach (int id in Tokenizer.Encode(SampleTexts.GroundingAnswer).Append(Tokenizer.EndOfSequenceId))
        {
            int count = constraint.FillAllowed(mask);
            bool[] oneByOne = Enumerable.Range(0, mask.Length).Select(constraint.IsAllowed).ToArray();
            Assert.Equal(oneByOne, mask);
            Assert.Equal(oneByOne.Count(a => a), count);
            Assert.True(count >= 1);
            constraint.Accept(id);
        }
    }

    [Fact]
    public void A_rejected_token_leaves_the_state_unchanged()
    {
        GroundingDecodingConstraint constraint = NewConstraint();
        int red = Tokenizer.Vocabulary.ToList().IndexOf("red");
        Assert.False(constraint.Accept(red));
        Assert.True(constraint.Accept(Tokenizer.Vocabulary.ToList().IndexOf("{")));
        constraint.Reset();
        Assert.True(constraint.Accept(Tokenizer.Vocabulary.ToList().IndexOf("{")));
    }

    [Fact]
    public void Computing_the_allowed_mask_is_fast_enough_for_every_decoding_step()
    {
        GroundingDecodingConstraint constraint = NewConstraint();
        IReadOnlyList<int> ids = Tokenizer.Encode(SampleTexts.GroundingAnswer);
        var mask = new bool[Tokenizer.VocabularySize];
        constraint.FillAllowed(mask);
        const int passes = 20;
        var watch = Stopwatch.StartNew();
        for (int pass = 0; pass < passes; pass++)
        {
            constraint.Reset();
            foreach (int id in ids)
            {
                constraint.FillAllowed(mask);
                constraint.Accept(id);
            }
        }

        watch.Stop();
        double perStep = watch.Elapsed.TotalMilliseconds / (passes * ids.Count);
        output.WriteLine($"vocabulary {Tokenizer.VocabularySize}, {passes} x {ids.Count} steps, {perStep:F3} ms per allowed-token mask");
        // A tiny-model decoding step takes milliseconds; the mask must be a small part of it even on a busy CI machine.
        Assert.True(perStep < 5, $"{perStep} ms per step");
    }
}
