using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// A family that loads a local Hugging Face snapshot folder (<see cref="FamilyProfile.LoadsSnapshot"/>): warn at check
/// time when model.path is unset or does not exist, since `train` would stop there (nothing is downloaded at run time).
/// Without the registered families' profiles nothing is known of the family, and nothing is said.
/// </summary>
public sealed class ModelPathRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "model-path";

    /// <inheritdoc />
    public string Code => "VLMA0101";

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Settings.Model;
        if (context.Family is not { LoadsSnapshot: true }) return;
        var family = model.Family;
        if (model.Path is null)
        {
            // Families that need no snapshot are the way to train without one.
            var alternatives = context.Families.Where(f => !f.LoadsSnapshot)
                .Select(f => f.Summary is null ? $"family = \"{f.Name}\"" : $"family = \"{f.Name}\" ({f.Summary})").ToList();
            context.Warn(diagnostics, this, "model.path",
                $"family \"{family}\" loads a local Hugging Face snapshot folder (config.json, *.safetensors, tokenizer files), but model.path is not set; " +
                "nothing is downloaded at run time. Set path = \"/path/to/snapshot\"" +
                (alternatives.Count == 0 ? "." : $", or use {string.Join(" or ", alternatives)}."));
        }
        else if (!Directory.Exists(context.Settings.ResolvePath(model.Path)))
        {
            context.Warn(diagnostics, this, "model.path",
                $"the folder {context.Settings.ResolvePath(model.Path)} does not exist (relative paths are relative to the config file); " +
                $"`train` needs the {family} snapshot there.");
        }
    }
}
