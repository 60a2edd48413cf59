using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace VlmForge.Data.Tests.Tokenization.Reference;

/// <summary>
/// VlmForge's tokenizer against Hugging Face's own (the Rust library, npm <c>tokenizers</c>) on real tokenizer.json
/// files: the ids of every corpus string, every vocabulary token's text, and the decoded text of random id sequences.
/// </summary>
public class HuggingFaceParityTests(ITestOutputHelper output)
{
    [ReferenceTokenizerFact]
    public void Qwen_encodes_the_adversarial_corpus_exactly_like_the_reference() => EncodesCorpus(ReferenceTokenizers.Qwen);

    [ReferenceTokenizerFact]
    public void Llama3_encodes_the_adversarial_corpus_exactly_like_the_reference() => EncodesCorpus(ReferenceTokenizers.Llama3);

    [ReferenceTokenizerFact]
    public void Every_Qwen_vocabulary_string_encodes_like_the_reference() => SweepsVocabulary(ReferenceTokenizers.Qwen);

    [ReferenceTokenizerFact]
    public void Every_Llama3_vocabulary_string_encodes_like_the_reference() => SweepsVocabulary(ReferenceTokenizers.Llama3);

    [ReferenceTokenizerFact]
    public void Qwen_decodes_split_characters_and_added_tokens_like_the_reference() => Decodes(ReferenceTokenizers.Qwen);

    [ReferenceTokenizerFact]
    public void Llama3_decodes_split_characters_and_added_tokens_like_the_reference() => Decodes(ReferenceTokenizers.Llama3);

    private void EncodesCorpus(string name)
    {
        var tokenizer = ReferenceTokenizers.Load(name);
        IReadOnlyList<string> corpus = ReferenceTokenizers.Corpus();
        IReadOnlyList<int[]> expected = ReferenceTokenizers.EncodedIds(name);
        Assert.Equal(corpus.Count, expected.Count);

        var mismatches = new List<string>();
        for (int i = 0; i < corpus.Count; i++)
        {
            IReadOnlyList<int> actual = tokenizer.Encode(corpus[i]);
            if (!actual.SequenceEqual(expected[i]))
            {
                mismatches.Add($"line {i + 1} {JsonSerializer.Serialize(corpus[i])}: expected [{string.Join(' ', expected[i])}], got [{string.Join(' ', actual)}]");
            }
        }

        output.WriteLine($"{name}: {corpus.Count} corpus strings, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {corpus.Count} strings differ from the reference:\n{string.Join('\n', mismatches.Take(20))}");
    }

    private void SweepsVocabulary(string name)
    {
        var tokenizer = ReferenceTokenizers.Load(name);
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ReferenceTokenizers.Folder, $"{name}.vocab.json")));
        Dictionary<int, int[]> exceptions = reference.RootElement.GetProperty("exceptions").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name), p => p.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray());

        int swept = 0;
        var mismatches = new List<string>();
        foreach (int id in tokenizer.Definition.Vocabulary.Values.Order())
        {
            if (tokenizer.TokenText(id) is not { } text)
            {
                continue;
            }

            swept++;
            int[] expected = exceptions.TryGetValue(id, out int[]? other) ? other : [id];
            IReadOnlyList<int> actual = tokenizer.Encode(text);
            if (!actual.SequenceEqual(expected))
            {
                mismatches.Add($"token {id} {JsonSerializer.Serialize(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
            }
        }

        output.WriteLine($"{name}: {swept} vocabulary strings, {exceptions.Count} of them not one token in the reference, {mismatches.Count} mismatches");
        Assert.Equal(reference.RootElement.GetProperty("swept").GetInt32(), swept);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {swept} vocabulary strings differ from the reference:\n{string.Join('\n', mismatches.Take(20))}");
    }

    private void Decodes(string name)
    {
        var tokenizer = ReferenceTokenizers.Load(name);
        var mismatches = new List<string>();
        int count = 0;
        foreach (string line in File.ReadLines(Path.Combine(ReferenceTokenizers.Folder, $"{name}.decode.jsonl")))
        {
            using JsonDocument record = JsonDocument.Parse(line);
            int[] ids = [.. record.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
            foreach ((bool skip, string property) in new[] { (false, "text"), (true, "skipped") })
            {
                count++;
                string expected = record.RootElement.GetProperty(property).GetString()!;
                string actual = tokenizer.Decode(ids, skip);
                if (actual != expected)
                {
                    mismatches.Add($"[{string.Join(' ', ids)}] skip={skip}: expected {Escape(expected)}, got {Escape(actual)}");
                }
            }
        }

        output.WriteLine($"{name}: {count} decodings, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {count} decodings differ from the reference:\n{string.Join('\n', mismatches.Take(20))}");
    }

    private static string Escape(string text) => JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
}
