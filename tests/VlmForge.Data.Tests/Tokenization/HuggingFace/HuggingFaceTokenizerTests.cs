using System.Text.Json.Nodes;
using VlmForge.Data.Batching;
using VlmForge.Data.Prompts;
using VlmForge.Data.Tests.Support;
using VlmForge.Data.Tokenization.HuggingFace;
using static VlmForge.Data.Tests.Tokenization.HuggingFace.TinyByteLevelFiles;

namespace VlmForge.Data.Tests.Tokenization.HuggingFace;

/// <summary>
/// Expected ids are worked out by hand from the BPE rules on <see cref="TinyByteLevelFiles"/>: ids 0..255 are bytes,
/// merges apply lowest rank first (Ġt=256, he=257, Ġthe=258, ll=259, ell=260, is=261, Ġis=262, Ġc=263, at=264,
/// Ġcat=265, ĠĠ=266).
/// </summary>
public class HuggingFaceTokenizerTests
{
    [Fact]
    public void Encodes_words_by_merging_the_lowest_ranked_pair_first()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        // "the" -> t + he (no "t he" merge); " cat" -> Ġc (rank 7) before at (rank 8), then Ġcat; " is" -> is, then Ġis;
        // " here" -> Ġ + he + r + e.
        Assert.Equal([116, 257, 265, 262, 32, 257, 114, 101], tokenizer.Encode("the cat is here"));
        // " the" -> Ġt (rank 0), he (rank 1), then Ġthe (rank 2): a chain of three merges.
        Assert.Equal([261, 258], tokenizer.Encode("is the"));
    }

    [Fact]
    public void Added_tokens_become_single_ids_and_split_the_text_around_them()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        // "user" has no merges; "\n" is byte 10 (Ċ); "the" -> t he.
        Assert.Equal(
            [ImStart, 117, 115, 101, 114, 10, 116, 257, ImEnd, VisionStart, ImagePad, ImagePad, VisionEnd],
            tokenizer.Encode("<|im_start|>user\nthe<|im_end|><|vision_start|><|image_pad|><|image_pad|><|vision_end|>"));
        Assert.Equal(ImagePad, tokenizer.GetSpecialTokenId("<|image_pad|>"));
        Assert.Equal(ToolCall, tokenizer.GetSpecialTokenId("<tool_call>"));
        Assert.Throws<KeyNotFoundException>(() => tokenizer.GetSpecialTokenId("<image>"));
    }

    [Fact]
    public void Decoding_restores_the_text_and_skips_only_tokens_marked_special()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);
        const string text = "<|im_start|>the cat<tool_call> é 7<|im_end|>";

        IReadOnlyList<int> ids = tokenizer.Encode(text);

        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal("the cat<tool_call> é 7", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.True(tokenizer.IsSpecial(ImEnd));
        Assert.False(tokenizer.IsSpecial(ToolCall));
        Assert.False(tokenizer.IsSpecial(265));
    }

    [Fact]
    public void Qwen2_style_normalizes_to_NFC_and_splits_every_digit()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        // e + U+0301 composes to é = C3 A9; without NFC it would be 'e' then CC 81.
        Assert.Equal([195, 169], tokenizer.Encode("e\u0301"));
        // Qwen2's pattern: "a", then each space alone (the second is followed by a digit), then one piece per digit.
        Assert.Equal([97, 32, 32, 49, 50], tokenizer.Encode("a  12"));
    }

    [Fact]
    public void SmolLM_style_runs_the_digit_split_before_the_byte_level_regex()
    {
        using var folder = new TempFolder();
        Write(folder.Path, SmolLmStyle());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        // Digits first gives "a  ", "1", "2"; GPT-2's regex then keeps the two trailing spaces together (ĠĠ = 266).
        // One regex over the whole text would give "a", " ", " 12" instead.
        Assert.Equal([97, 266, 49, 50], tokenizer.Encode("a  12"));
        // No normalizer: the combining accent stays its own bytes.
        Assert.Equal([101, 204, 129], tokenizer.Encode("e\u0301"));
    }

    [Fact]
    public void Token_text_is_the_decoded_token_or_null_for_added_tokens_and_partial_characters()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        Assert.Equal(" cat", tokenizer.TokenText(265));
        Assert.Equal("\n", tokenizer.TokenText(10));
        Assert.Null(tokenizer.TokenText(0xC3)); // the first byte of a two-byte character on its own
        Assert.Null(tokenizer.TokenText(ImagePad));
        Assert.Equal(ToolCall + 1, tokenizer.VocabularySize);
    }

    [Fact]
    public void Vocab_and_merges_files_give_the_same_ids_as_tokenizer_json()
    {
        using var fast = new TempFolder();
        using var slow = new TempFolder();
        Write(fast.Path, Qwen2Style());
        WriteSlowQwen2Files(slow.Path);
        const string text = "<|im_start|>is the cat here? 42 e\u0301<|im_end|>";

        Assert.Equal(HuggingFaceTokenizer.Load(fast.Path).Encode(text), HuggingFaceTokenizer.Load(slow.Path).Encode(text));
    }

    [Fact]
    public void The_conversation_encoder_works_unchanged_with_the_Qwen_template()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);
        var encoder = new ConversationEncoder(tokenizer, ChatTemplates.Qwen25Vl, imageTokenCount: 4, systemPrompt: "is");

        EncodedExample example = encoder.EncodeTraining("the cat", "is here");

        Assert.Equal(4, example.InputIds.Count(id => id == ImagePad));
        Assert.Equal(ImEnd, encoder.EndOfAnswerTokenId);
        // Loss only on the answer and its <|im_end|>: "is" " here" <|im_end|> = 261, 32, 257, 114, 101, 268.
        Assert.Equal([261, 32, 257, 114, 101, ImEnd], example.Labels.Where(l => l != ConversationEncoder.IgnoreIndex));
        Assert.Equal(ChatTemplate.Render(ChatTemplates.Qwen25Vl.BuildTraining("is", "the cat", "is here", 4)), tokenizer.Decode(example.InputIds));
    }

    [Fact]
    public void An_unsupported_model_type_is_refused_with_its_json_path()
    {
        using var folder = new TempFolder();
        JsonObject document = Qwen2Style();
        document["model"]!["type"] = "WordPiece";
        string path = Write(folder.Path, document);

        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(folder.Path));
        Assert.Equal(path, error.File);
        Assert.Equal("$.model.type", error.Location);
        Assert.Contains("WordPiece", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_tokenizer_json_reports_the_line()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(HuggingFaceTokenizer.TokenizerJsonFileName), "{\n  \"model\": {\n    \"type\": \"BPE\",,\n  }\n}");

        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(folder.Path));
        Assert.StartsWith("line 3,", error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void An_added_token_with_lstrip_is_refused_rather_than_encoded_differently()
    {
        using var folder = new TempFolder();
        JsonObject document = Qwen2Style();
        document["added_tokens"]![1]!["lstrip"] = true;
        Write(folder.Path, document);

        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(folder.Path));
        Assert.Equal("$.added_tokens[1].lstrip", error.Location);
    }

    [Fact]
    public void A_snapshot_without_tokenizer_files_says_which_files_it_needs()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizer.Load(folder.Path));
        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("merges.txt", error.Message, StringComparison.Ordinal);
    }
}
