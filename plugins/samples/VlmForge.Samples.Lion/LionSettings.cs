using System.Globalization;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Samples.Lion;

/// <summary>
/// The <c>[plugins.lion]</c> table: Lion's own betas. Lion wants β2 = 0.99, not the 0.999 that <c>[training]</c> gives
/// Adam, so the betas live here; learning rate and weight decay still come from <c>[training]</c>.
/// </summary>
/// <remarks>
/// Written by hand against <see cref="ConfigTable"/> and <see cref="DiagnosticBag"/>: every problem is reported at
/// the place in vlmforge.toml where the value is written, and a bad value keeps its default.
/// </remarks>
internal sealed record LionSettings(double Beta1, double Beta2)
{
    public const string Section = "plugins.lion";

    // The codes the settings loader uses for the same problems.
    private const string WrongTypeCode = "VLMF0104";
    private const string OutOfRangeCode = "VLMF0105";

    public static LionSettings Default { get; } = new(0.9, 0.99);

    public static IReadOnlyList<SettingDescriptor> Descriptors { get; } =
    [
        new(Section, "beta1", "float", "0.9", "[0, 1)", [],
            "Weight of the momentum in the update direction c = beta1*m + (1 - beta1)*g, whose sign is the step."),
        new(Section, "beta2", "float", "0.99", "[0, 1)", [],
            "Decay of the momentum m = beta2*m + (1 - beta2)*g. Lion's paper uses 0.99 (0.98 for unstable runs)."),
    ];

    public static LionSettings Bind(ConfigTable? table, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        PluginSettings.RejectUnknownKeys(table, "lion", [.. Descriptors.Select(d => d.Key)], diagnostics);
        return new LionSettings(
            Read(table, "beta1", Default.Beta1, diagnostics),
            Read(table, "beta2", Default.Beta2, diagnostics));
    }

    private static double Read(ConfigTable? table, string key, double fallback, DiagnosticBag diagnostics)
    {
        if (table is null || !table.TryGet(key, out var entry))
            return fallback;

        var path = $"{Section}.{key}";
        if (entry.Value is not ConfigValue { Value: double or long } scalar)
        {
            diagnostics.Error(WrongTypeCode, entry.Value.Location, path,
                $"Expected a float in [0, 1), found {entry.Value.TypeName} {entry.Value}.");
            return fallback;
        }

        var value = Convert.ToDouble(scalar.Value, CultureInfo.InvariantCulture);
        if (!(value >= 0 && value < 1))
        {
            diagnostics.Error(OutOfRangeCode, scalar.Location, path,
                $"{scalar} is outside [0, 1): a beta is a decay factor. Lion's defaults are beta1 = 0.9, beta2 = 0.99.");
            return fallback;
        }
        return value;
    }
}
