using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Generation;

/// <summary>The sampler never sees the image placeholder or the padded rows of an embedding table as candidates.</summary>
[Collection(TinyVlmCollection.Name)]
public class NeverGeneratedTokensTests(TinyVlmFixture fixture)
{
    [Fact]
    public void The_image_placeholder_and_ids_no_token_uses_get_minus_infinity()
    {
        // Real checkpoints round their vocabulary up (Qwen2.5-VL: 151,936 rows for 151,665 tokens): 8 unused rows here.
        int padded = fixture.Tokenizer.VocabularySize + 8;
        manual_seed(11);
        using var model = TinyVlm.Create(fixture.Config with { VocabSize = padded }, new ModelSetup());
        model.train(false);
        var tokenizer = new ModelVocabularyTokenizer(fixture.Tokenizer, padded);
        var items = fixture.ValidationOf(TaskKind.Vqa).Take(2)
            .Select(e => new CollateItem(fixture.Images.Get(e.Record), fixture.Encoder.EncodeGenerationPrompt(e.UserText))).ToList();
        using var batch = fixture.Collator.CollateForGeneration(items);
        var seen = new RecordingSampler();

        new TextGenerator(model, tokenizer, endTokenId: null).Generate(
            new VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask), seen, new GenerationOptions { MaxNewTokens = 3 });

        Assert.Equal(3, seen.Logits.Count);
        foreach (var logits in seen.Logits)
        {
            for (int b = 0; b < 2; b++)
            {
                Assert.Equal(float.NegativeInfinity, logits[b, fixture.Tokenizer.ImageId]);
                for (int id = fixture.Tokenizer.VocabularySize; id < padded; id++)
                    Assert.Equal(float.NegativeInfinity, logits[b, id]);
                Assert.True(float.IsFinite(logits[b, fixture.Tokenizer.EndOfSequenceId]));
            }
        }
    }

    /// <summary>Keeps every step's candidate logits and picks the first finite one.</summary>
    private sealed class RecordingSampler : ISampler
    {
        public List<float[,]> Logits { get; } = [];

        public Tensor Next(Tensor logits, Tensor previousTokens)
        {
            var (rows, vocabulary) = ((int)logits.shape[0], (int)logits.shape[1]);
            var values = logits.contiguous().cpu().data<float>().ToArray();
            var copy = new float[rows, vocabulary];
            for (int b = 0; b < rows; b++)
                for (int v = 0; v < vocabulary; v++)
                    copy[b, v] = values[(b * vocabulary) + v];
            Logits.Add(copy);
            return logits.argmax(1);
        }

        public void Dispose()
        {
        }
    }
}
