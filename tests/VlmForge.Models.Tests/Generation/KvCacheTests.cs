using TorchSharp;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Generation;

public class KvCacheTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1e-4)]
    [InlineData(ScalarType.BFloat16, 0.08)]
    public void Cached_decoding_gives_the_logits_of_a_full_recompute(ScalarType dtype, double tolerance)
    {
        using var model = TestModels.BuildFull(dtype);
        model.eval();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [9, 7, 9]);
        // Left-padded prompts of different lengths, with images.
        var (ids, mask) = TestModels.LeftPad(batch.InputIds, batch.AttentionMask!);
        var prompt = new VlmInputs(batch.PixelValues, ids, mask);

        var prefill = model.Prefill(prompt, maxNewTokens: 4);
        using var cache = prefill.Cache;
        var cached = new List<Tensor> { prefill.Logits };
        var sequence = ids;
        var sequenceMask = mask;
        for (var step = 0; step < 4; step++)
        {
            var next = cached[^1].argmax(-1);
            sequence = cat([sequence, next.unsqueeze(1)], 1);
            sequenceMask = cat([sequenceMask, ones_like(next).unsqueeze(1)], 1);
            cached.Add(model.DecodeStep(next, cache));
        }

        // Recompute: the whole sequence at once, logits of the last position of each prefix.
        using var noGrad = no_grad();
        var full = model.Forward(new VlmInputs(batch.PixelValues, sequence, sequenceMask)).Logits;
        var promptLength = ids.shape[1];
        for (var step = 0; step <= 4; step++)
        {
            var position = promptLength - 1 + step;
            TensorAssert.Close(full.select(1, position), cached[step], atol: tolerance, what: $"logits of step {step}");
        }
        Assert.Equal(promptLength + 4, cache.Length);
    }

    [Fact]
    public void Right_padded_prompts_continue_after_their_last_real_token()
    {
        using var model = TestModels.BuildFull();
        model.eval();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [9, 7]);
        var prompt = new VlmInputs(batch.PixelValues, batch.InputIds, batch.AttentionMask);

        var result = model.Prefill(prompt, maxNewTokens: 1);
        using var cache = result.Cache;
        var next = result.Logits.argmax(-1);
        var decoded = model.DecodeStep(next, cache);

        // Row 1 alone, unpadded, then its next token appended.
        var rowIds = batch.InputIds.narrow(0, 1, 1).narrow(1, 0, 7);
        var alone = model.Forward(new VlmInputs(batch.PixelValues!.narrow(0, 1, 1), rowIds)).Logits;
        TensorAssert.Close(alone[0, 6], result.Logits[1], atol: 1e-4);
        var extended = cat([rowIds, next.narrow(0, 1, 1).unsqueeze(1)], 1);
        var aloneNext = model.Forward(new VlmInputs(batch.PixelValues!.narrow(0, 1, 1), extended)).Logits;
        TensorAssert.Close(aloneNext[0, 7], decoded[1], atol: 1e-4);
        Assert.Equal(new long[] { 10, 8 }, cache.NextPositions.data<long>().ToArray());
    }

    [Fact]
    public void Decoding_past_the_capacity_is_refused()
    {
        using var model = TestModels.BuildFull();
        model.eval();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [8]);
        var result = model.Prefill(new VlmInputs(batch.PixelValues, batch.InputIds), maxNewTokens: 1);
        using var cache = result.Cache;
        var next = result.Logits.argmax(-1);
        model.DecodeStep(next, cache);

        var error = Assert.Throws<InvalidOperationException>(() => model.DecodeStep(next, cache));
        Assert.Contains("maxNewTokens", error.Message);
    }
}
