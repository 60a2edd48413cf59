using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// A real model family loads a local Hugging Face snapshot folder: warn at check time when model.path is unset or
/// does not exist, since `train` would stop there (nothing is downloaded at run time).
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
        if (model.Family == FamilyNames.Tiny) return;
        var family = model.Family;
        if (model.Path is null)
        {
            context.Warn(diagnostics, this, "model.path",
                $"family \"{family}\" loads a local Hugging Face snapshot folder (config.json, *.safetensors, tokenizer files), but model.path is not set; " +
                "nothing is downloaded at run time. Set path = \"/path/to/snapshot\", or use family = \"tiny\" (VlmForge's own model, trained from scratch on a CPU).");
        }
        else if (!Directory.Exists(context.Settings.ResolvePath(model.Path)))
        {
            context.Warn(diagnostics, this, "model.path",
                $"the folder {context.Settings.ResolvePath(model.Path)} does not exist (relative paths are relative to the config file); " +
                $"`train` needs the {family} snapshot there.");
        }
    }
}
