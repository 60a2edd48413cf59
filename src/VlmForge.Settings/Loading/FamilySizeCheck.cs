using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>
/// Checks <c>model.size</c> against the sizes the workflow's family comes in (<see cref="FamilyProfile.Sizes"/>) and the
/// sizes other families own (<see cref="FamilyProfile.ChosenBySize"/>), as the family's profile says: the settings
/// layer knows no family by name. Without the registered families' profiles nothing is checked here.
/// </summary>
internal static class FamilySizeCheck
{
    public static void Check(WorkflowSettings settings, ConfigTable root, IReadOnlyCollection<FamilyProfile>? families, DiagnosticBag diagnostics)
    {
        if (families is null) return;
        var (familyName, size) = (settings.Model.Family, settings.Model.Size.ToTomlName());
        if (families.FirstOrDefault(f => f.Name == familyName) is not { } family) return;

        if (families.FirstOrDefault(f => f.ChosenBySize == size && f.Name != familyName) is { } owner)
        {
            var what = owner.Summary is null ? "" : $" ({owner.Summary})";
            diagnostics.Error(ConfigErrorCodes.RuleViolation, root.LocationOf("model.family"), "model.family",
                $"family = \"{familyName}\" does not come in size = \"{size}\": that size is the {owner.Name} family's{what}. " +
                $"Remove family (size = \"{size}\" alone chooses the {owner.Name} family), or pick another size for {familyName}.");
        }
        else if (family.Sizes is { } sizes && !sizes.Contains(size, StringComparer.Ordinal))
        {
            var list = string.Join(" or ", sizes.Select(s => $"\"{s}\""));
            var fills = family.Defaults.Any(d => d.KeyPath == "model.size") ? $"remove size (the {familyName} family fills it in) or " : "";
            diagnostics.Error(ConfigErrorCodes.RuleViolation, root.LocationOf("model.size"), "model.size",
                $"size = \"{size}\" is not a size of the {familyName} family, which comes in {list}: {fills}set size = {list}.");
        }
    }
}
