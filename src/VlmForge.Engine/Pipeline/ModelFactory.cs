using VlmForge.Abstractions.Quantization;
using VlmForge.Engine.Plugins;
using VlmForge.Models.Lora;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>How the configured model trains: training mode, adapters, 4-bit base and compute dtype (the families build the model).</summary>
internal static class ModelFactory
{
    /// <summary>How the model trains, from [model] and the chosen plugins.</summary>
    public static ModelSetup Setup(ModelOptions model, PluginCatalog plugins, ScalarType computeDtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plugins);
        bool lora = model.TrainingMode == TrainingMode.Lora;
        return new ModelSetup
        {
            Mode = model.TrainingMode,
            Lora = lora ? new LoraSettings(model.LoraRank, model.LoraAlpha, model.LoraDropout, [.. model.LoraTargetModules]) : null,
            Quantizer = plugins.Quantizer(model.Quantization),
            QuantizationOptions = new QuantizationOptions(model.DoubleQuantization),
            ComputeDtype = computeDtype,
            GradientCheckpointing = model.GradientCheckpointing,
            Device = device,
        };
    }
}
