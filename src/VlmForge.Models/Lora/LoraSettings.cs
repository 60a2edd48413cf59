using System.Globalization;

namespace VlmForge.Models.Lora;

/// <summary>LoRA hyperparameters (PEFT's <c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>, <c>target_modules</c>).</summary>
public sealed record LoraSettings
{
    /// <summary>Creates settings and checks them.</summary>
    /// <param name="rank">Rank r of the update B·A (at least 1).</param>
    /// <param name="alpha">Scale numerator: the update is multiplied by alpha / r.</param>
    /// <param name="dropout">Dropout probability on the adapter's input, in [0, 1).</param>
    /// <param name="targetModules">Module names to adapt; a module matches when the last segment of its path equals one (PEFT).</param>
    public LoraSettings(int rank, double alpha, double dropout, IReadOnlyList<string> targetModules)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "lora_alpha must be a positive finite number.");
        }
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "lora_dropout must be in [0, 1).");
        }
        ArgumentNullException.ThrowIfNull(targetModules);
        if (targetModules.Count == 0 || targetModules.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("lora_target_modules must name at least one module and no empty names.", nameof(targetModules));
        }
        Rank = rank;
        Alpha = alpha;
        Dropout = dropout;
        TargetModules = [.. targetModules];
    }

    /// <summary>Rank r.</summary>
    public int Rank { get; }

    /// <summary>lora_alpha.</summary>
    public double Alpha { get; }

    /// <summary>Dropout probability on the adapter input.</summary>
    public double Dropout { get; }

    /// <summary>Target module names (PEFT: matched against the last path segment).</summary>
    public IReadOnlyList<string> TargetModules { get; }

    /// <summary>alpha / r, the factor applied to B·A·x.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>Whether the module at <paramref name="modulePath"/> (dotted) is a target.</summary>
    public bool Targets(string modulePath)
    {
        ArgumentNullException.ThrowIfNull(modulePath);
        var lastDot = modulePath.LastIndexOf('.');
        var last = lastDot < 0 ? modulePath : modulePath[(lastDot + 1)..];
        return TargetModules.Contains(last, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"LoRA r={Rank} alpha={Alpha} dropout={Dropout} targets=[{string.Join(", ", TargetModules)}]");
}
