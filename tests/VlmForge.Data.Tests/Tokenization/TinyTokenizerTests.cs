using System.Globalization;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Tests.Tokenization;

public class TinyTokenizerTests
{
    private static readonly TinyTokenizer Tokenizer = TinyTokenizer.Build(SampleTexts.Corpus, new TinyTokenizerOptions { MaxNumber = 64 });

    private static string[] Pieces(string text) => Tokenizer.Encode(text).Select(id => Tokenizer.Vocabulary[id]).ToArray();

    [Fact]
    public void Is_a_microsoft_ml_wordpiece_tokenizer()
    {
        Assert.IsType<Microsoft.ML.Tokenizers.WordPieceTokenizer>(Tokenizer.Inner);
        Assert.Equal(Tokenizer.Encode("a red circle"), Tokenizer.Inner.EncodeToIds("a red circle"));
    }

    [Fact]
    public void Every_corpus_text_round_trips_exactly()
    {
        foreach (string text in SampleTexts.Corpus)
        {
            Assert.Equal(text, Tokenizer.Decode(Tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void Words_carry_their_leading_space_and_known_words_are_one_token()
    {
        Assert.Equal(["a", " red", " circle"], Pieces("a red circle"));
        Assert.Equal(["What", " color", " is", " the", " circle", "?"], Pieces("What color is the circle?"));
    }

    [Fact]
    public void Every_number_up_to_the_image_size_is_one_token()
    {
        for (int n = 0; n <= 64; n++)
        {
            string text = n.ToString(CultureInfo.InvariantCulture);
            Assert.Equal([text], Pieces(text));
        }

        Assert.Equal(["3", ",", "10", ",", "20", ",", "27"], Pieces("3,10,20,27"));
    }

    [Fact]
    public void The_grounding_answer_is_compact()
    {
        // Punctuation runs seen in training ("\": \"", "\", \"", "]]}, {\"") are single tokens.
        int count = Tokenizer.Encode(SampleTexts.GroundingAnswer).Count;
        Assert.InRange(count, 20, 60);
        Assert.Equal(SampleTexts.GroundingAnswer, Tokenizer.Decode(Tokenizer.Encode(SampleTexts.GroundingAnswer)));
    }

    [Fact]
    public void Unknown_words_fall_back_to_characters()
    {
        const string text = "A zebra, 129 and 1000 giraffes!";
        IReadOnlyList<int> ids = Tokenizer.Encode(text);
        Assert.DoesNotContain(Tokenizer.UnknownId, ids);
        Assert.Equal(text, Tokenizer.Decode(ids));
        Assert.True(ids.Count > 8, "unknown words need several pieces");
    }

    [Fact]
    public void Characters_outside_the_vocabulary_become_unk_without_crashing()
    {
        IReadOnlyList<int> ids = Tokenizer.Encode("café\nnaïve");
        Assert.Contains(Tokenizer.UnknownId, ids);
        Assert.Equal("caf<unk><unk>na<unk>ve", Tokenizer.Decode(ids));
        Assert.Equal("cafnave", Tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Special_tokens_in_text_are_single_ids()
    {
        IReadOnlyList<int> ids = Tokenizer.Encode("<bos><user><image><image>red<eos>");
        Assert.Equal(
            [
                Tokenizer.GetSpecialTokenId("<bos>"), Tokenizer.GetSpecialTokenId("<user>"), Tokenizer.ImageId, Tokenizer.ImageId,
                Tokenizer.Vocabulary.ToList().IndexOf("red"), Tokenizer.EndOfSequenceId,
            ],
            ids);
        Assert.Null(Tokenizer.TokenText(Tokenizer.ImageId));
        Assert.Equal(" red", Tokenizer.TokenText(Tokenizer.Vocabulary.ToList().IndexOf(" red")));
        Assert.Equal(0, Tokenizer.PadId);
        Assert.Throws<KeyNotFoundException>(() => Tokenizer.GetSpecialTokenId("<|im_end|>"));
    }

    [Fact]
    public void Saved_tokenizer_loads_with_the_same_vocabulary_and_encodings()
    {
        using var folder = new TempFolder();
        Tokenizer.Save(folder.Path);
        Assert.True(File.Exists(folder.File(TinyTokenizer.VocabularyFileName)));
        Assert.True(File.Exists(folder.File(TinyTokenizer.ConfigFileName)));

        TinyTokenizer loaded = TinyTokenizer.Load(folder.Path);
        Assert.Equal(Tokenizer.Vocabulary, loaded.Vocabulary);
        Assert.Equal(Tokenizer.MaxNumber, loaded.MaxNumber);
        foreach (string text in SampleTexts.Corpus.Append("zebra café <image>"))
        {
            Assert.Equal(Tokenizer.Encode(text), loaded.Encode(text));
        }
    }

    [Fact]
    public void Building_twice_gives_the_same_vocabulary()
    {
        Assert.Equal(Tokenizer.Vocabulary, TinyTokenizer.Build(SampleTexts.Corpus, new TinyTokenizerOptions { MaxNumber = 64 }).Vocabulary);
    }

    [Fact]
    public void A_foreign_tokenizer_folder_is_refused_with_the_reason()
    {
        using var folder = new TempFolder();
        Tokenizer.Save(folder.Path);
        File.WriteAllText(folder.File(TinyTokenizer.ConfigFileName), "{\"format\": \"bpe\", \"version\": 1}");
        var ex = Assert.Throws<InvalidDataException>(() => TinyTokenizer.Load(folder.Path));
        Assert.Contains("vlmforge-tiny-wordpiece", ex.Message, StringComparison.Ordinal);
    }
}
