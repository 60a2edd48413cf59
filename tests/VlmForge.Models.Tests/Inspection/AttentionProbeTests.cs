using VlmForge.Models.Inspection;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Inspection;

public class AttentionProbeTests
{
    [Fact]
    public void Listening_reports_each_layers_attention_on_image_tokens_and_changes_no_logit()
    {
        using var model = TestModels.BuildFull();
        model.train(false);
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 10, 12]);
        var plain = model.Forward(batch).Logits;

        var imageKeys = batch.InputIds == model.Config.ImageTokenId;
        var queries = batch.Labels! != VlmInputs.IgnoreIndex;
        using var probe = new AttentionProbe(imageKeys, queries);
        Tensor probed;
        using (probe.Listen())
        {
            probed = model.Forward(batch).Logits;
        }

        Assert.Null(AttentionProbe.Current);
        Assert.True(allclose(plain, probed, rtol: 1e-4, atol: 1e-5), "explicit attention must give SDPA's logits");
        Assert.Equal(model.Config.Layers, probe.ImageAttentionShare.Count);
        // Answer positions come after the 4 image tokens of a few-token prompt: some, never all, attention is on the image.
        Assert.All(probe.ImageAttentionShare, share => Assert.InRange(share, 0.01, 0.99));
        Assert.Equal([imageKeys.sum().item<long>(), (long)model.Config.HiddenSize], probe.ImageTokens!.shape);
    }
}
