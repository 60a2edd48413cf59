using VlmForge.Abstractions.Optimizers;
using static TorchSharp.torch;

namespace VlmForge.Samples.Lion;

/// <summary>
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): the update is the sign of an interpolation
/// between the momentum and the gradient, so every weight moves by exactly the learning rate:
/// <code>
/// c = β1·m + (1 − β1)·g
/// θ ← θ·(1 − lr·wd) − lr·sign(c)
/// m ← β2·m + (1 − β2)·g
/// </code>
/// One moment per parameter (half of Adam's state), saved as <c>&lt;name&gt;.exp_avg</c> with the <c>step</c> count.
/// </summary>
internal sealed class LionOptimizer : IOptimizer
{
    private readonly NamedParameter[] _parameters;
    private readonly Tensor[] _momentum;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _weightDecay;

    public LionOptimizer(IReadOnlyList<NamedParameter> parameters, double beta1, double beta2, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Any(p => p is null || p.Parameter is null))
            throw new ArgumentException("Every parameter needs a name and a tensor.", nameof(parameters));
        if (parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != parameters.Count)
            throw new ArgumentException("Parameter names must be unique; they key the optimizer state.", nameof(parameters));
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be >= 0.");

        _parameters = [.. parameters];
        _beta1 = beta1;
        _beta2 = beta2;
        _weightDecay = weightDecay;
        _momentum = [.. _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope())];
    }

    public long StepCount { get; private set; }

    public void Step(double learningRate)
    {
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number >= 0.");

        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            using var scope = NewDisposeScope();
            var parameter = _parameters[i].Parameter;
            var grad = parameter.grad;
            if (grad is null)
                continue;

            var direction = (_momentum[i] * _beta1 + grad * (1 - _beta1)).sign();
            if (_weightDecay != 0)
                parameter.mul_(1 - learningRate * _weightDecay);
            parameter.add_(direction, alpha: -learningRate);
            _momentum[i].mul_(_beta2).add_(grad, alpha: 1 - _beta2);
        }
        StepCount++;
    }

    public IReadOnlyDictionary<string, Tensor> SaveState()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["step"] = tensor(StepCount) };
        for (var i = 0; i < _parameters.Length; i++)
            state[_parameters[i].Name + ".exp_avg"] = _momentum[i].detach().clone();
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step))
            throw new ArgumentException("The Lion state has no 'step'.", nameof(state));
        for (var i = 0; i < _parameters.Length; i++)
        {
            var key = _parameters[i].Name + ".exp_avg";
            if (!state.TryGetValue(key, out var momentum) || !momentum.shape.SequenceEqual(_momentum[i].shape))
                throw new ArgumentException($"The Lion state has no '{key}' of shape [{string.Join(", ", _momentum[i].shape)}].", nameof(state));
            using var noGrad = no_grad();
            _momentum[i].copy_(momentum);
        }
        StepCount = step.item<long>();
    }

    public void Dispose()
    {
        foreach (var momentum in _momentum)
            momentum.Dispose();
    }
}
