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

    [Fact]
    public void Added_tokens_are_cut_out_before_NFC_so_a_combining_mark_cannot_hide_them()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        // NFC composes ">" + U+0338 into U+226F; the reference finds <|im_end|> in the raw text first, so the mark stays
        // its own bytes (CC B8) after the token.
        Assert.Equal([ImEnd, 0xCC, 0xB8], tokenizer.Encode("<|im_end|>\u0338"));
        Assert.Equal([VisionEnd, 0xCC, 0xB8, 0xE2, 0x89, 0xAF], tokenizer.Encode("<|vision_end|>\u0338>\u0338"));
    }

    [Fact]
    public void The_split_regex_sees_characters_outside_the_BMP_as_letters_and_digits()
    {
        // U+1D7CF / U+1D7D0 are digits (Nd), U+1D400 a letter (Lu): in UTF-16 each is a surrogate pair, which a .NET
        // regex alone would class as neither.
        string one = char.ConvertFromUtf32(0x1D7CF), two = char.ConvertFromUtf32(0x1D7D0), bold = char.ConvertFromUtf32(0x1D400);
        string text = "x" + one + two + " " + bold + "b";
        var qwen = new RegexSplitStep(VocabMergesReader.Qwen2Pattern, SplitBehavior.Isolated);
        var pieces = new List<(int Offset, int Length)>();

        qwen.Split(text, 0, text.Length, pieces);

        Assert.Equal(["x", one, two, " " + bold + "b"], pieces.Select(p => text.Substring(p.Offset, p.Length)));

        // Llama 3's \p{N}{1,3} counts code points, not code units.
        var llama = new RegexSplitStep(@"\p{N}{1,3}", SplitBehavior.Isolated);
        string digits = one + two + one + two;
        pieces.Clear();
        llama.Split(digits, 0, digits.Length, pieces);
        Assert.Equal([one + two + one, two], pieces.Select(p => digits.Substring(p.Offset, p.Length)));
    }

    [Fact]
    public void The_digits_step_never_cuts_a_surrogate_pair()
    {
        using var folder = new TempFolder();
        Write(folder.Path, SmolLmStyle());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);
        string one = char.ConvertFromUtf32(0x1D7CF), two = char.ConvertFromUtf32(0x1D7D0);
        string text = "a" + one + two + "7";
        var pieces = new List<(int Offset, int Length)>();

        new DigitsStep(individualDigits: true).Split(text, 0, text.Length, pieces);

        Assert.Equal(["a", one, two, "7"], pieces.Select(p => text.Substring(p.Offset, p.Length)));
        // Cut apart, the halves would be encoded as lone surrogates (EF BF BD) and decode to U+FFFD.
        Assert.Equal([97, 0xF0, 0x9D, 0x9F, 0x8F, 0xF0, 0x9D, 0x9F, 0x90, 55], tokenizer.Encode(text));
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void Ignore_merges_takes_a_whole_vocabulary_word_that_the_merges_never_build()
    {
        using var folder = new TempFolder();
        JsonObject document = Qwen2Style();
        // "Ġhe" is in the vocabulary, but no merge joins Ġ and he.
        document["model"]!["vocab"]!["\u0120he"] = 273;
        Write(folder.Path, document);
        Assert.Equal([32, 257], HuggingFaceTokenizer.Load(folder.Path).Encode(" he"));

        document["model"]!["ignore_merges"] = true;
        Write(folder.Path, document);
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);

        Assert.Equal([273], tokenizer.Encode(" he"));
        Assert.Equal([258, 273], tokenizer.Encode(" the he"));
    }

    [Fact]
    public void Skipping_a_special_token_joins_the_bytes_around_it_like_the_reference()
    {
        using var folder = new TempFolder();
        Write(folder.Path, Qwen2Style());
        var tokenizer = HuggingFaceTokenizer.Load(folder.Path);
        int[] ids = [0xC3, ImEnd, 0xA9]; // the two bytes of "é" with a special token between them

        Assert.Equal("é", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("\uFFFD<|im_end|>\uFFFD", tokenizer.Decode(ids));
        // A non-special added token is kept, and ends the bytes before it.
        Assert.Equal("\uFFFD<tool_call>\uFFFD", tokenizer.Decode([0xC3, ToolCall, 0xA9], skipSpecialTokens: true));
    }

    [Fact]
    public void Bpe_options_that_change_the_ids_are_refused_at_load()
    {
        using var folder = new TempFolder();
        JsonObject document = Qwen2Style();
        document["model"]!["dropout"] = 0.1;
        Write(folder.Path, document);

        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(folder.Path));
        Assert.Equal("$.model.dropout", error.Location);
    }
}
