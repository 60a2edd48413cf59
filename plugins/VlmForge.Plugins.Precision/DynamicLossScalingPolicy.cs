using System.Globalization;
using TorchSharp.Modules;
using VlmForge.Abstractions.Precision;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Precision;

/// <summary>
/// fp16 with dynamic loss scaling, as torch.amp.GradScaler: the loss is multiplied by the scale (start 65536) so small
/// gradients survive fp16; gradients are divided by it before the step. A step whose gradients hold inf or NaN is
/// skipped and the scale halves; after 2000 good steps in a row it doubles.
/// </summary>
internal sealed class DynamicLossScalingPolicy : IPrecisionPolicy
{
    public const string ScaleKey = "loss_scale";
    public const string GoodStepsKey = "growth_tracker";

    public const double InitialScale = 65536;
    public const double GrowthFactor = 2;
    public const double BackoffFactor = 0.5;
    public const int GrowthInterval = 2000;

    public ScalarType ComputeDtype => ScalarType.Float16;

    public double LossScale { get; private set; } = InitialScale;

    /// <summary>Good steps since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss * LossScale;
    }

    public bool UnscaleGradients(IReadOnlyList<Parameter> parameters)
    {
        // GradScaler multiplies by the float32 reciprocal of the scale; for powers of two that is exact.
        var finite = GradientCheck.ScaleAndCheckFinite(parameters, (float)(1.0 / LossScale));
        if (!finite)
        {
            LossScale *= BackoffFactor;
            GoodSteps = 0;
            return false;
        }

        GoodSteps++;
        if (GoodSteps == GrowthInterval)
        {
            var grown = LossScale * GrowthFactor;
            if (double.IsFinite(grown) && grown <= float.MaxValue)
                LossScale = grown;
            GoodSteps = 0;
        }
        return true;
    }

    public IReadOnlyDictionary<string, double> SaveState() =>
        new Dictionary<string, double>(StringComparer.Ordinal) { [ScaleKey] = LossScale, [GoodStepsKey] = GoodSteps };

    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue(ScaleKey, out var scale) || !state.TryGetValue(GoodStepsKey, out var goodSteps) || state.Count != 2)
            throw new ArgumentException($"fp16 state needs exactly '{ScaleKey}' and '{GoodStepsKey}'; found {string.Join(", ", state.Keys)}.", nameof(state));
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new ArgumentException($"'{ScaleKey}' must be a positive finite number; found {scale.ToString(CultureInfo.InvariantCulture)}.", nameof(state));
        if (goodSteps < 0 || goodSteps >= GrowthInterval || goodSteps != Math.Floor(goodSteps))
            throw new ArgumentException($"'{GoodStepsKey}' must be a whole number in [0, {GrowthInterval}); found {goodSteps.ToString(CultureInfo.InvariantCulture)}.", nameof(state));
        LossScale = scale;
        GoodSteps = (int)goodSteps;
    }
}
