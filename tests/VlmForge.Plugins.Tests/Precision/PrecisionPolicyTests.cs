using TorchSharp.Modules;
using VlmForge.Abstractions.Precision;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Precision;

/// <summary>bf16, fp32 and fp16's dynamic loss scaling: start 65536, x2 after 2000 good steps, /2 and skip on inf/NaN.</summary>
[Collection(BuiltInPluginsCollection.Name)]
public class PrecisionPolicyTests(BuiltInPlugins builtIns)
{
    private IPrecisionPolicy Create(string name) => builtIns.Catalog.Precision(name).Create();

    [Theory]
    [InlineData("bf16", ScalarType.BFloat16)]
    [InlineData("fp32", ScalarType.Float32)]
    [InlineData("fp16", ScalarType.Float16)]
    public void Each_policy_computes_in_its_dtype(string name, ScalarType dtype) =>
        Assert.Equal(dtype, Create(name).ComputeDtype);

    [Theory]
    [InlineData("bf16")]
    [InlineData("fp32")]
    public void Bf16_and_fp32_leave_the_loss_and_gradients_unscaled(string name)
    {
        var policy = Create(name);
        var weight = WithGradient(3f, -4f);

        using var loss = policy.ScaleLoss(tensor(0.75f));

        Assert.Equal(1, policy.LossScale);
        Assert.Equal(0.75f, loss.item<float>());
        Assert.True(policy.UnscaleGradients([weight]));
        Assert.Equal([3f, -4f], weight.grad!.data<float>().ToArray());
        Assert.Empty(policy.SaveState());
    }

    [Fact]
    public void Bf16_still_reports_non_finite_gradients_so_the_step_is_skipped()
    {
        var policy = Create("bf16");
        Assert.False(policy.UnscaleGradients([WithGradient(1f, float.NaN)]));
        Assert.Equal(1, policy.LossScale);
    }

    [Fact]
    public void Fp16_starts_at_65536_scales_the_loss_and_divides_the_gradients_back()
    {
        var policy = Create("fp16");
        var weight = WithGradient(65536f, -131072f);

        using var loss = policy.ScaleLoss(tensor(0.5f));

        Assert.Equal(65536, policy.LossScale);
        Assert.Equal(32768f, loss.item<float>());
        Assert.True(policy.UnscaleGradients([weight]));
        Assert.Equal([1f, -2f], weight.grad!.data<float>().ToArray());
        // Master weights and their gradients stay float32: the policy never changes parameter dtypes.
        Assert.Equal(ScalarType.Float32, weight.dtype);
        Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
    }

    [Fact]
    public void Fp16_halves_the_scale_and_skips_the_step_on_inf_or_nan_gradients()
    {
        var policy = Create("fp16");

        Assert.False(policy.UnscaleGradients([WithGradient(1f, 2f), WithGradient(float.PositiveInfinity)]));
        Assert.Equal(32768, policy.LossScale);
        Assert.False(policy.UnscaleGradients([WithGradient(float.NaN)]));
        Assert.Equal(16384, policy.LossScale);
        Assert.True(policy.UnscaleGradients([WithGradient(1f)]));
        Assert.Equal(16384, policy.LossScale);
    }

    [Fact]
    public void Fp16_doubles_the_scale_after_2000_good_steps_in_a_row()
    {
        var policy = Create("fp16");
        var weight = WithGradient(1f);

        GoodSteps(policy, weight, 1999);
        Assert.Equal(65536, policy.LossScale);
        GoodSteps(policy, weight, 1);
        Assert.Equal(131072, policy.LossScale);
        Assert.Equal(0, policy.SaveState()["growth_tracker"]);

        // An overflow restarts the count: 1000 good steps, one bad, then 2000 more before the next doubling.
        GoodSteps(policy, weight, 1000);
        Assert.False(policy.UnscaleGradients([WithGradient(float.PositiveInfinity)]));
        Assert.Equal(65536, policy.LossScale);
        GoodSteps(policy, weight, 1999);
        Assert.Equal(65536, policy.LossScale);
        GoodSteps(policy, weight, 1);
        Assert.Equal(131072, policy.LossScale);
    }

    [Fact]
    public void Fp16_state_resumes_the_scale_and_the_good_step_count()
    {
        var first = Create("fp16");
        var weight = WithGradient(1f);
        Assert.False(first.UnscaleGradients([WithGradient(float.NaN)]));
        GoodSteps(first, weight, 1500);

        var state = first.SaveState();
        Assert.Equal(new Dictionary<string, double> { ["loss_scale"] = 32768, ["growth_tracker"] = 1500 }, state);

        var resumed = Create("fp16");
        resumed.LoadState(state);
        GoodSteps(resumed, weight, 499);
        Assert.Equal(32768, resumed.LossScale);
        GoodSteps(resumed, weight, 1);
        Assert.Equal(65536, resumed.LossScale);
    }

    private static void GoodSteps(IPrecisionPolicy policy, Parameter weight, int count)
    {
        for (var i = 0; i < count; i++)
            Assert.True(policy.UnscaleGradients([weight]));
    }

    private static Parameter WithGradient(params float[] gradient)
    {
        var parameter = new Parameter(zeros(gradient.Length));
        parameter.grad = tensor(gradient);
        return parameter;
    }
}
