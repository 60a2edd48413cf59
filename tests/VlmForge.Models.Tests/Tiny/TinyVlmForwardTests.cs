using TorchSharp;
using VlmForge.Models.Modeling;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Tiny;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Tiny;

public class TinyVlmForwardTests
{
    [Fact]
    public void Logits_have_one_row_per_token_and_vocabulary_entry()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 9, 10]);

        var output = model.Forward(batch);

        Assert.Equal(new long[] { 3, 12, 40 }, output.Logits.shape);
        Assert.Equal(ScalarType.Float32, output.Logits.dtype);
        Assert.Equal(ScalarType.Float32, output.Loss!.dtype);
        Assert.Empty(output.Loss.shape);
    }

    [Fact]
    public void Image_token_count_follows_patch_and_merge_size()
    {
        var config = TestModels.SmallConfig();
        Assert.Equal(4, config.ImageTokenCount);                 // 16 px / 4 px = 4x4 patches, 2x2 merge
        Assert.Equal(16, config.ImageTokenCountFor(32));
        Assert.Equal(16, TinyVlmConfig.Tiny(100, 5, 0).ImageTokenCount);   // 64 / 8 = 8x8 patches, 2x2 merge
        Assert.Throws<ArgumentOutOfRangeException>(() => config.ImageTokenCountFor(20));
    }

    [Fact]
    public void Loss_is_the_mean_cross_entropy_of_each_label_given_the_previous_position()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 10]);

        var output = model.Forward(batch);

        // By hand: every label at t > 0 is predicted by logits at t - 1.
        var logProbs = output.Logits.log_softmax(-1);
        var labels = batch.Labels!;
        double total = 0;
        var count = 0;
        for (var b = 0; b < labels.shape[0]; b++)
        {
            for (var t = 1; t < labels.shape[1]; t++)
            {
                var label = labels[b, t].item<long>();
                if (label != VlmInputs.IgnoreIndex)
                {
                    total -= logProbs[b, t - 1, label].item<float>();
                    count++;
                }
            }
        }
        Assert.Equal(count, output.LabelTokens!.item<long>());
        Assert.Equal(total / count, output.Loss!.item<float>(), 4);
        Assert.Equal(total, output.LossSum!.item<float>(), 3);
    }

    [Fact]
    public void Changing_an_ignored_label_does_not_change_the_loss()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 10]);
        var before = model.Forward(batch).Loss!.item<float>();

        // Position 0 (BOS) is ignored; give it a real label: the loss must not move. A label at the last position is
        // never predicted either (nothing follows it), so changing the first label is the sharper test.
        var labels = batch.Labels!.clone();
        Assert.Equal(VlmInputs.IgnoreIndex, labels[0, 0].item<long>());
        Assert.Equal(VlmInputs.IgnoreIndex, labels[1, 1].item<long>());
        labels[0, 0] = tensor(7L);
        var unchanged = model.Forward(batch with { Labels = labels }).Loss!.item<float>();

        // Control: changing a label that counts does move the loss.
        var counted = batch.Labels!.clone();
        counted[0, 11] = tensor((counted[0, 11].item<long>() + 1) % model.Config.VocabSize);
        var changed = model.Forward(batch with { Labels = counted }).Loss!.item<float>();

        Assert.Equal(before, unchanged);
        Assert.NotEqual(before, changed);
    }

    [Fact]
    public void Loss_is_zero_not_nan_when_every_label_is_ignored()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [8]);
        var output = model.Forward(batch with { Labels = full_like(batch.Labels!, VlmInputs.IgnoreIndex) });
        Assert.Equal(0f, output.Loss!.item<float>());
        Assert.Equal(0L, output.LabelTokens!.item<long>());
    }

    [Fact]
    public void A_wrong_number_of_image_placeholders_is_rejected_with_the_counts()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 10]);
        var ids = batch.InputIds.clone();
        ids[1, 2] = tensor(9L);   // one placeholder of the second image overwritten

        var error = Assert.Throws<ArgumentException>(() => model.Forward(batch with { InputIds = ids }));
        Assert.Contains("7 image placeholder tokens", error.Message);
        Assert.Contains("2 image(s) need 8 (4 per image)", error.Message);
    }

    [Fact]
    public void Image_features_replace_the_placeholder_embeddings()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [10]);
        var other = batch with { PixelValues = batch.PixelValues! + 1 };

        var a = model.Forward(batch).Logits;
        var b = model.Forward(other).Logits;

        // Position 0 (BOS) comes before the image under causal attention; everything from the image on depends on it.
        Assert.Equal(0, TensorAssert.MaxAbsDiff(a[0, 0], b[0, 0]));
        Assert.True(TensorAssert.MaxAbsDiff(a[0, 1], b[0, 1]) > 1e-4);
    }

    [Fact]
    public void Right_padding_does_not_change_the_logits_of_real_tokens()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 9]);
        var alone = new VlmInputs(batch.PixelValues!.narrow(0, 1, 1), batch.InputIds.narrow(0, 1, 1).narrow(1, 0, 9));

        var padded = model.Forward(batch).Logits[1].narrow(0, 0, 9);
        var unpadded = model.Forward(alone).Logits[0];

        TensorAssert.Close(unpadded, padded, atol: 1e-5);
    }

    [Fact]
    public void Left_padding_gives_the_same_logits_as_no_padding()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [12, 9]);
        var (ids, mask) = TestModels.LeftPad(batch.InputIds, batch.AttentionMask!);

        var left = model.Forward(new VlmInputs(batch.PixelValues, ids, mask)).Logits[1].narrow(0, 3, 9);
        var right = model.Forward(batch with { Labels = null }).Logits[1].narrow(0, 0, 9);

        TensorAssert.Close(right, left, atol: 1e-5);
    }

    [Fact]
    public void Grouped_query_attention_projects_keys_and_values_to_fewer_heads()
    {
        using var model = TestModels.BuildFull();
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        // hidden 32, 4 query heads of 8, 2 key/value heads of 8.
        Assert.Equal(new long[] { 32, 32 }, shapes["language_model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal(new long[] { 16, 32 }, shapes["language_model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal(new long[] { 16, 32 }, shapes["language_model.layers.0.self_attn.v_proj.weight"]);
        Assert.Equal(new long[] { 32, 32 }, shapes["language_model.layers.0.self_attn.o_proj.weight"]);
    }

    [Fact]
    public void Invalid_configs_name_every_problem()
    {
        var config = TestModels.SmallConfig() with { HiddenSize = 30, KeyValueHeads = 3, ImageTokenId = 99 };
        var error = Assert.Throws<InvalidModelConfigException>(config.Validate);
        Assert.Contains("hidden_size 30 is not divisible by num_attention_heads 4", error.Message);
        Assert.Contains("num_attention_heads 4 is not a multiple of num_key_value_heads 3", error.Message);
        Assert.Contains("image_token_id 99 is outside the vocabulary [0, 40)", error.Message);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_rejected()
    {
        using var model = TestModels.BuildFull();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(model.Config, [8]);
        var ids = batch.InputIds.clone();
        ids[0, 7] = tensor(40L);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(batch with { InputIds = ids }));
        Assert.Contains("[0, 40)", error.Message);
    }
}
