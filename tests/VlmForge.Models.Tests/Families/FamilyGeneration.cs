using VlmForge.Models.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

/// <summary>Cached greedy decoding against a full recompute of every prefix, for any model (the families and tiny).</summary>
internal static class FamilyGeneration
{
    /// <summary>Left-pads <paramref name="batch"/>, prefills, decodes <paramref name="steps"/> greedy tokens, and compares every step with a full forward.</summary>
    public static void AssertCacheMatchesRecompute(IVisionLanguageModel model, VlmInputs batch, int steps, double tolerance)
    {
        (model as TorchSharp.torch.nn.Module)?.eval();
        using var scope = NewDisposeScope();
        var (ids, mask) = TestModels.LeftPad(batch.InputIds, batch.AttentionMask!);
        var prefill = model.Prefill(new VlmInputs(batch.PixelValues, ids, mask), maxNewTokens: steps);
        using var cache = prefill.Cache;
        var cached = new List<Tensor> { prefill.Logits };
        var sequence = ids;
        var sequenceMask = mask;
        for (var step = 0; step < steps; step++)
        {
            // A generated image placeholder would need an image; the engine's sampler never offers it either.
            var logits = cached[^1].clone();
            logits[.., model.ImageTokenId] = float.NegativeInfinity;
            var next = logits.argmax(-1);
            sequence = cat([sequence, next.unsqueeze(1)], 1);
            sequenceMask = cat([sequenceMask, ones_like(next).unsqueeze(1)], 1);
            cached.Add(model.DecodeStep(next, cache));
        }

        using var noGrad = no_grad();
        var full = model.Forward(new VlmInputs(batch.PixelValues, sequence, sequenceMask)).Logits;
        var promptLength = ids.shape[1];
        for (var step = 0; step <= steps; step++)
        {
            TensorAssert.Close(full.select(1, promptLength - 1 + step), cached[step], atol: tolerance, what: $"logits of step {step}");
        }
        Assert.Equal(promptLength + steps, cache.Length);
    }

    /// <summary>Takes <paramref name="steps"/> AdamW steps on one batch and returns the losses.</summary>
    public static List<float> Train(FamilyModel model, VlmInputs batch, int steps, double learningRate)
    {
        model.train();
        using var optimizer = TorchSharp.torch.optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: learningRate);
        var losses = new List<float>();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.Forward(batch).Loss!;
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        return losses;
    }
}
