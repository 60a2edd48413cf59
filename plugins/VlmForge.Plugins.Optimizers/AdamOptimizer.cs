using VlmForge.Abstractions.Optimizers;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Optimizers;

/// <summary>
/// Adam and AdamW exactly as torch.optim.Adam / torch.optim.AdamW compute them (single-tensor path, no amsgrad):
/// <code>
/// θ ← θ·(1 − lr·wd)                     (AdamW)      g ← g + wd·θ   (Adam)
/// m ← m + (1−β1)(g − m)                 (lerp)
/// v ← β2·v + (1−β2)·g²
/// θ ← θ − lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε)
/// </code>
/// State is one <c>step</c> count and, per parameter, <c>&lt;name&gt;.exp_avg</c> and <c>&lt;name&gt;.exp_avg_sq</c> in the
/// parameter's dtype, so a checkpoint can hold it as safetensors and a resume continues bit for bit.
/// </summary>
internal sealed class AdamOptimizer : IOptimizer
{
    public const string StepKey = "step";
    public const string ExpAvgSuffix = ".exp_avg";
    public const string ExpAvgSqSuffix = ".exp_avg_sq";

    private readonly NamedParameter[] _parameters;
    private readonly Tensor[] _expAvg;
    private readonly Tensor[] _expAvgSq;
    private readonly Tensor[] _oneMinusBeta1;
    private readonly AdamSettings _hyperparameters;
    private readonly WeightDecay _weightDecay;
    private bool _disposed;

    public AdamOptimizer(IReadOnlyList<NamedParameter> parameters, AdamSettings hyperparameters, WeightDecay weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        CheckHyperparameters(hyperparameters);
        CheckParameters(parameters);

        _parameters = [.. parameters];
        _hyperparameters = hyperparameters;
        _weightDecay = weightDecay;
        _expAvg = [.. _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope())];
        _expAvgSq = [.. _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope())];
        // torch's lerp_ takes the weight as a scalar of the parameter's dtype; a 0-d tensor gives the same value.
        _oneMinusBeta1 = [.. _parameters.Select(p => tensor(1 - hyperparameters.Beta1, p.Parameter.dtype, p.Parameter.device).DetachFromDisposeScope())];
    }

    public long StepCount { get; private set; }

    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!double.IsFinite(learningRate) || learningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number >= 0.");

        StepCount++;
        var (beta1, beta2, eps, weightDecay) = (_hyperparameters.Beta1, _hyperparameters.Beta2, _hyperparameters.Epsilon, _hyperparameters.WeightDecay);
        var biasCorrection1 = 1 - Math.Pow(beta1, StepCount);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, StepCount));
        var stepSize = learningRate / biasCorrection1;

        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i].Parameter;
            using var scope = NewDisposeScope();
            var grad = parameter.grad;
            if (grad is null)
                continue; // A parameter the loss did not reach keeps its value and moments, as in torch.

            if (weightDecay != 0)
            {
                if (_weightDecay == WeightDecay.Decoupled)
                    parameter.mul_(1 - learningRate * weightDecay);
                else
                    grad = grad.add(parameter, alpha: weightDecay);
            }

            _expAvg[i].lerp_(grad, _oneMinusBeta1[i]);
            _expAvgSq[i].mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
            var denominator = (_expAvgSq[i].sqrt() / biasCorrection2Sqrt).add_(eps);
            parameter.addcdiv_(_expAvg[i], denominator, value: -stepSize);
        }
    }

    public IReadOnlyDictionary<string, Tensor> SaveState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [StepKey] = tensor(StepCount, ScalarType.Int64),
        };
        for (var i = 0; i < _parameters.Length; i++)
        {
            state[_parameters[i].Name + ExpAvgSuffix] = _expAvg[i].detach().clone();
            state[_parameters[i].Name + ExpAvgSqSuffix] = _expAvgSq[i].detach().clone();
        }
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(state);

        var expected = new HashSet<string>(StringComparer.Ordinal) { StepKey };
        foreach (var p in _parameters)
        {
            expected.Add(p.Name + ExpAvgSuffix);
            expected.Add(p.Name + ExpAvgSqSuffix);
        }
        var missing = expected.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var extra = state.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            throw new ArgumentException(
                "The optimizer state does not belong to these parameters" +
                (missing.Count > 0 ? $"; missing: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}" : "") +
                (extra.Count > 0 ? $"; unexpected: {string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", ..." : "")}" : "") +
                ". Resume with the same model, training mode and LoRA targets that wrote the checkpoint.", nameof(state));
        }

        var step = state[StepKey];
        if (step.numel() != 1 || step.dtype != ScalarType.Int64 || step.item<long>() < 0)
            throw new ArgumentException($"'{StepKey}' must be one non-negative int64; found dtype {step.dtype} with {step.numel()} element(s).", nameof(state));

        for (var i = 0; i < _parameters.Length; i++)
        {
            CopyInto(_expAvg[i], state[_parameters[i].Name + ExpAvgSuffix], _parameters[i].Name + ExpAvgSuffix);
            CopyInto(_expAvgSq[i], state[_parameters[i].Name + ExpAvgSqSuffix], _parameters[i].Name + ExpAvgSqSuffix);
        }
        StepCount = step.item<long>();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var t in _expAvg.Concat(_expAvgSq).Concat(_oneMinusBeta1))
            t.Dispose();
    }

    private static void CopyInto(Tensor target, Tensor source, string key)
    {
        if (!source.shape.SequenceEqual(target.shape) || source.dtype != target.dtype)
        {
            throw new ArgumentException(
                $"'{key}' has shape [{string.Join(", ", source.shape)}] and dtype {source.dtype}; the parameter needs " +
                $"[{string.Join(", ", target.shape)}] and {target.dtype}.", "state");
        }
        using var noGrad = no_grad();
        target.copy_(source);
    }

    private static void CheckHyperparameters(AdamSettings h)
    {
        if (!(h.Beta1 >= 0 && h.Beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(h), h.Beta1, "Beta1 must be in [0, 1).");
        if (!(h.Beta2 >= 0 && h.Beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(h), h.Beta2, "Beta2 must be in [0, 1).");
        if (!(h.Epsilon >= 0) || !double.IsFinite(h.Epsilon))
            throw new ArgumentOutOfRangeException(nameof(h), h.Epsilon, "Epsilon must be a finite number >= 0.");
        if (!(h.WeightDecay >= 0) || !double.IsFinite(h.WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(h), h.WeightDecay, "Weight decay must be a finite number >= 0.");
    }

    private static void CheckParameters(IReadOnlyList<NamedParameter> parameters)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (p is null || p.Parameter is null || string.IsNullOrEmpty(p.Name))
                throw new ArgumentException("Every parameter needs a name and a tensor.", nameof(parameters));
            if (!names.Add(p.Name))
                throw new ArgumentException($"Parameter name '{p.Name}' appears twice; names key the optimizer state.", nameof(parameters));
            if (!p.Parameter.requires_grad)
                throw new ArgumentException($"Parameter '{p.Name}' does not require gradients; pass only trainable parameters.", nameof(parameters));
            if (!p.Parameter.is_floating_point())
                throw new ArgumentException($"Parameter '{p.Name}' has dtype {p.Parameter.dtype}; Adam needs floating-point parameters.", nameof(parameters));
        }
    }
}
