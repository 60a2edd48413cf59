using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Engine.Plugins;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Optimizers;

/// <summary>
/// adamw and adam on a two-parameter problem: loss = (2w + b − 3)², w = 0.5, b = 0.25, float64, lr 0.1, β = (0.9, 0.999),
/// ε = 1e-8, weight decay 0.1. Gradients: ∂/∂w = 4r, ∂/∂b = 2r with r = 2w + b − 3 (r = −1.75 at the start).
/// </summary>
[Collection(BuiltInPluginsCollection.Name)]
public class AdamTests(BuiltInPlugins builtIns)
{
    // β and ε are [plugins.adamw] / [plugins.adam]'s defaults (the shared catalog is never configured otherwise).
    private static readonly OptimizerHyperparameters Hyperparameters = new(WeightDecay: 0.1);

    private const double LearningRate = 0.1;

    private PluginCatalog Catalog => builtIns.Catalog;

    [Fact]
    public void AdamW_decays_the_weights_apart_from_the_gradient_step_by_step()
    {
        var (w, b) = (Scalar(0.5), Scalar(0.25));
        using var optimizer = Catalog.Optimizer("adamw").Create([new("w", w), new("b", b)], Hyperparameters);

        // Step 1, by hand: m̂/√v̂ = g/|g|, so each weight moves by lr·g/(|g| + ε) after shrinking by (1 − lr·wd):
        // w = 0.5·0.99 + 0.1·7/(7 + 1e-8) = 0.5949999998571428,  b = 0.25·0.99 + 0.1·3.5/(3.5 + 1e-8) = 0.3474999997142857.
        TakeStep(optimizer, w, b);
        AssertClose(0.5949999998571428, w);
        AssertClose(0.3474999997142857, b);
        Assert.Equal(1, optimizer.StepCount);

        // Steps 2 and 3 follow θ ← θ(1 − lr·wd) − lr/(1 − 0.9ᵗ) · m/(√v/√(1 − 0.999ᵗ) + ε) with
        // m ← m + 0.1(g − m), v ← 0.999v + 0.001g², evaluated in double precision.
        TakeStep(optimizer, w, b);
        AssertClose(0.6881871852651096, w);
        AssertClose(0.4431621849699894, b);
        TakeStep(optimizer, w, b);
        AssertClose(0.7787339700442906, w);
        AssertClose(0.5361592195878213, b);

        var state = optimizer.SaveState();
        AssertClose(-1.5656853780056306, state["w.exp_avg"]);
        AssertClose(0.1053862296275212, state["w.exp_avg_sq"]);
        Assert.Equal(3L, state["step"].item<long>());
    }

    [Fact]
    public void Adam_adds_the_weight_decay_to_the_gradient_step_by_step()
    {
        var (w, b) = (Scalar(0.5), Scalar(0.25));
        using var optimizer = Catalog.Optimizer("adam").Create([new("w", w), new("b", b)], Hyperparameters);

        // Step 1, by hand: g' = g + wd·θ = (−7 + 0.05, −3.5 + 0.025); the step is lr·g'/(|g'| + ε) and nothing else
        // shrinks the weights: w = 0.5 + 0.1·6.95/(6.95 + 1e-8) = 0.5999999998561151.
        TakeStep(optimizer, w, b);
        AssertClose(0.5999999998561151, w);
        AssertClose(0.3499999997122302, b);

        TakeStep(optimizer, w, b);
        AssertClose(0.6990535912138414, w);
        AssertClose(0.4490409857631644, b);
        TakeStep(optimizer, w, b);
        AssertClose(0.7961842431506504, w);
        AssertClose(0.5461294276795308, b);
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("adam")]
    public void Matches_TorchSharp_optimizers_on_a_float32_regression(string name)
    {
        var generator = new Generator(11);
        using var x = randn(32, 6, generator: generator);
        using var y = randn(32, 3, generator: generator);
        using var start = randn(3, 6, generator: generator);
        var ours = new Parameter(start.clone());
        var reference = new Parameter(start.clone());
        using var optimizer = Catalog.Optimizer(name).Create([new("weight", ours)], Hyperparameters);
        using var torchOptimizer = name == "adamw"
            ? (optim.Optimizer)optim.AdamW([reference], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1)
            : optim.Adam([reference], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1);

        for (var step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            nn.functional.mse_loss(x.matmul(ours.t()), y).backward();
            nn.functional.mse_loss(x.matmul(reference.t()), y).backward();
            optimizer.Step(0.01);
            torchOptimizer.step();
            ours.grad!.zero_();
            reference.grad!.zero_();
        }

        // TorchSharp accumulates m with mul/add where torch (and we) use lerp: the last bits may differ.
        Assert.True(ours.allclose(reference, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - reference).abs().max().item<float>()}");
        Assert.False(ours.allclose(start, rtol: 0, atol: 1e-3), "the weights should have moved");
    }

    [Fact]
    public void Saved_state_resumes_bit_for_bit()
    {
        var (w, b) = (Scalar(0.5), Scalar(0.25));
        using var straight = Catalog.Optimizer("adamw").Create([new("w", w), new("b", b)], Hyperparameters);
        for (var i = 0; i < 4; i++)
            TakeStep(straight, w, b);

        var (w2, b2) = (Scalar(0.5), Scalar(0.25));
        IReadOnlyDictionary<string, Tensor> saved;
        using (var first = Catalog.Optimizer("adamw").Create([new("w", w2), new("b", b2)], Hyperparameters))
        {
            TakeStep(first, w2, b2);
            TakeStep(first, w2, b2);
            saved = first.SaveState();
        }

        // A new run: weights from the checkpoint, fresh optimizer, state loaded.
        var (w3, b3) = (new Parameter(w2.detach().clone()), new Parameter(b2.detach().clone()));
        using var resumed = Catalog.Optimizer("adamw").Create([new("w", w3), new("b", b3)], Hyperparameters);
        resumed.LoadState(saved);
        Assert.Equal(2, resumed.StepCount);
        TakeStep(resumed, w3, b3);
        TakeStep(resumed, w3, b3);

        TensorAssert.Identical(w, w3);
        TensorAssert.Identical(b, b3);
    }

    [Fact]
    public void State_is_named_tensors_per_parameter_plus_the_step_count()
    {
        var (w, b) = (Scalar(0.5), Scalar(0.25));
        using var optimizer = Catalog.Optimizer("adam").Create([new("decoder.w", w), new("decoder.b", b)], Hyperparameters);
        TakeStep(optimizer, w, b);

        var state = optimizer.SaveState();

        Assert.Equal(["decoder.b.exp_avg", "decoder.b.exp_avg_sq", "decoder.w.exp_avg", "decoder.w.exp_avg_sq", "step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScalarType.Float64, state["decoder.w.exp_avg"].dtype);
        Assert.Equal(ScalarType.Int64, state["step"].dtype);
    }

    [Fact]
    public void Loading_state_of_other_parameters_names_the_missing_and_unexpected_keys()
    {
        var (w, b) = (Scalar(0.5), Scalar(0.25));
        using var optimizer = Catalog.Optimizer("adamw").Create([new("w", w), new("b", b)], Hyperparameters);
        var state = new Dictionary<string, Tensor>
        {
            ["step"] = tensor(3L),
            ["w.exp_avg"] = zeros(1, ScalarType.Float64),
            ["w.exp_avg_sq"] = zeros(1, ScalarType.Float64),
            ["lora_A.exp_avg"] = zeros(1, ScalarType.Float64),
        };

        var error = Assert.Throws<PluginRuntimeException>(() => optimizer.LoadState(state));

        var inner = Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("missing: b.exp_avg, b.exp_avg_sq; unexpected: lora_A.exp_avg", inner.Message, StringComparison.Ordinal);
        Assert.Equal("LoadState", error.Operation);
    }

    [Fact]
    public void A_parameter_the_loss_does_not_reach_keeps_its_value()
    {
        var (w, untouched) = (Scalar(0.5), Scalar(4.0));
        using var optimizer = Catalog.Optimizer("adamw").Create([new("w", w), new("untouched", untouched)], Hyperparameters);
        using (var loss = (w * 2 - 3).pow(2).sum())
            loss.backward();

        optimizer.Step(0.1);

        Assert.Equal(4.0, untouched.item<double>());
        Assert.NotEqual(0.5, w.item<double>());
    }

    private static Parameter Scalar(double value) => new(tensor(new[] { value }, ScalarType.Float64));

    private static void TakeStep(IOptimizer optimizer, Parameter w, Parameter b)
    {
        using (var scope = NewDisposeScope())
            (w * 2.0 + b - 3.0).pow(2).sum().backward();
        optimizer.Step(LearningRate);
        w.grad!.zero_();
        b.grad!.zero_();
    }

    private static void AssertClose(double expected, Tensor actual) =>
        Assert.Equal(expected, actual.item<double>(), 1e-12);
}
