using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>
/// Checks <c>model.family</c> against the families the engine has registered (<see cref="IPluginNames.ModelFamilies"/>),
/// as plugin names are checked against the installed plugins: an unknown name is an error at its file:line:col that
/// lists the registered families, and another spelling of one (<c>qwen2.5-vl</c>) says how to write it.
/// </summary>
internal static class FamilyNameCheck
{
    private const string KeyPath = "model.family";

    public static void Check(WorkflowSettings settings, ConfigTable root, IReadOnlyCollection<string>? registered, DiagnosticBag diagnostics)
    {
        if (registered is null) return;
        var family = settings.Model.Family;
        if (registered.Contains(family, StringComparer.Ordinal)) return;

        var list = string.Join(", ", registered.Select(n => $"\"{n}\""));
        var location = root.LocationOf(KeyPath);
        var spelled = registered.FirstOrDefault(n => FamilyNames.Same(n, family));
        diagnostics.Error(ConfigErrorCodes.UnknownEnumValue, location, KeyPath, spelled is not null
            ? $"family = \"{family}\" names the {spelled} family in another spelling; write family = \"{spelled}\"."
            : $"\"{family}\" is not a registered model family; registered: {list}.{DidYouMean.Hint(family, registered)}");
    }
}
