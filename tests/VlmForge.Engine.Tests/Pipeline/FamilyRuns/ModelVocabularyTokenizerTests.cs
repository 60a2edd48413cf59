using VlmForge.Data.Tests.Tokenization.HuggingFace;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Engine.Tests.Pipeline.FamilyRuns;

public sealed class ModelVocabularyTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-vocab-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Ids_past_the_tokenizer_have_no_text_and_decode_to_nothing()
    {
        TinyByteLevelFiles.Write(_dir, TinyByteLevelFiles.Qwen2Style());
        var inner = HuggingFaceTokenizer.Load(_dir);
        var tokenizer = new ModelVocabularyTokenizer(inner, 280);

        Assert.Equal(273, inner.VocabularySize);
        Assert.Equal(280, tokenizer.VocabularySize);
        // 'h' 104, 'i' 105; 275 is an embedding row without a token.
        Assert.Equal("hi", tokenizer.Decode([104, 275, 105]));
        Assert.Null(tokenizer.TokenText(275));
        Assert.Equal("h", tokenizer.TokenText(104));
        Assert.False(tokenizer.IsSpecial(279));
        Assert.True(tokenizer.IsSpecial(TinyByteLevelFiles.ImagePad));
        Assert.Equal([258, 265], tokenizer.Encode(" the cat")); // Ġthe, Ġcat
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelVocabularyTokenizer(inner, 272));
    }
}
