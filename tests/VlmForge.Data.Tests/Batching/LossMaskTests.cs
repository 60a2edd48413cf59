using VlmForge.Data.Batching;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Tests.Batching;

public class LossMaskTests
{
    private static readonly TinyTokenizer Tokenizer = TinyTokenizer.Build(SampleTexts.Corpus, new TinyTokenizerOptions { MaxNumber = 64 });

    [Fact]
    public void Labels_are_minus_100_everywhere_but_the_answer_tokens_token_by_token()
    {
        var encoder = new ConversationEncoder(Tokenizer, ChatTemplates.Tiny, imageTokenCount: 4, SampleTexts.System);
        EncodedExample example = encoder.EncodeTraining("How many shapes are there?", "2");

        string[] expectedTokens =
        [
            "<bos>", "<system>", "You", " are", " a", " precise", " visual", " assistant", ".",
            "<user>", "<image>", "<image>", "<image>", "<image>",
            "How", " many", " shapes", " are", " there", "?", "<assistant>",
            "2", "<eos>",
        ];
        Assert.Equal(expectedTokens, example.InputIds.Select(id => Tokenizer.Vocabulary[id]));

        int answerStart = expectedTokens.Length - 2;
        for (int t = 0; t < expectedTokens.Length; t++)
        {
            int expected = t >= answerStart ? example.InputIds[t] : ConversationEncoder.IgnoreIndex;
            Assert.True(expected == example.Labels[t], $"position {t} ('{expectedTokens[t]}'): label {example.Labels[t]}, expected {expected}");
        }

        Assert.Equal(2, example.AnswerTokenCount);
    }

    [Fact]
    public void A_grounding_answer_is_learned_in_full_and_nothing_of_the_prompt()
    {
        var encoder = new ConversationEncoder(Tokenizer, ChatTemplates.Tiny, imageTokenCount: 16, SampleTexts.System);
        EncodedExample example = encoder.EncodeTraining("Describe the image in one sentence and ground each phrase with its boxes as JSON.", SampleTexts.GroundingAnswer);
        int[] learned = example.Labels.Where(l => l != ConversationEncoder.IgnoreIndex).ToArray();
        Assert.Equal(SampleTexts.GroundingAnswer + "<eos>", Tokenizer.Decode(learned));
        Assert.Equal(16, example.InputIds.Count(id => id == Tokenizer.ImageId));
        Assert.All(
            example.InputIds.Select((id, t) => (id, t)).Where(p => p.id == Tokenizer.ImageId),
            p => Assert.Equal(ConversationEncoder.IgnoreIndex, example.Labels[p.t]));
    }

    [Fact]
    public void The_generation_prompt_is_the_training_sequence_up_to_the_answer()
    {
        var encoder = new ConversationEncoder(Tokenizer, ChatTemplates.Tiny, imageTokenCount: 4, SampleTexts.System);
        EncodedExample training = encoder.EncodeTraining("What color is the circle?", "red");
        EncodedExample prompt = encoder.EncodeGenerationPrompt("What color is the circle?");
        Assert.Equal(prompt.InputIds, training.InputIds[..prompt.Length]);
        Assert.All(prompt.Labels, l => Assert.Equal(ConversationEncoder.IgnoreIndex, l));
        Assert.Equal(Tokenizer.EndOfSequenceId, encoder.EndOfAnswerTokenId);
    }
}
