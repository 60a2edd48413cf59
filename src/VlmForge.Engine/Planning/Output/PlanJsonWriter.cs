using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Output;

/// <summary>The plan as JSON for tools: bytes as integers (and GiB), snake_case keys, enums as snake_case strings.</summary>
internal static class PlanJsonWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Tools read this, not browsers: keep apostrophes and the like as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Serializes <paramref name="plan"/>.</summary>
    public static string Write(MemoryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var input = plan.Input;
        var model = input.Model;
        var document = new
        {
            Config = plan.ConfigName,
            Model = new
            {
                Name = plan.ModelName,
                Source = plan.ModelSource,
                Family = model.Family,
                Parameters = plan.Estimate.TotalParameters,
                ParametersByPart = Enum.GetValues<ModelPart>().ToDictionary(p => p.ToString().ToLowerInvariant(), model.PartParameters),
                TrainableParameters = plan.Estimate.TrainableParameters,
                QuantizedWeights = plan.Estimate.QuantizedWeights,
            },
            Training = new
            {
                Mode = input.Mode == TrainingMode.Lora ? "lora" : "full",
                LoraRank = input.Lora?.Rank,
                LoraTargetModules = input.Lora?.TargetModules,
                Quantization = input.Quantization.Name,
                DoubleQuantization = input.Quantization.DoubleQuantization,
                BitsPerQuantizedWeight = input.Quantization.Quantized ? input.Quantization.BitsPerWeight(input.Precision.BytesPerValue) : (double?)null,
                Precision = input.Precision.Name,
                Optimizer = input.Optimizer.Name,
                OptimizerStateTensors = input.Optimizer.StateTensorsPerParameter,
                input.BatchSize,
                input.GradientAccumulation,
                input.EffectiveBatch,
                input.GradientCheckpointing,
            },
            Tokens = new
            {
                PerSample = input.Sequence.TokensPerSample,
                ImageTokensPerImage = input.Sequence.ImageTokensPerImage,
                VisionTokensPerImage = input.Sequence.VisionTokensPerImage,
                TextTokensMax = input.Sequence.TextTokens,
                TextTokensMean = Math.Round(input.Sequence.MeanTextTokens, 1),
                PerStep = plan.Estimate.TokensPerStep,
                Source = plan.TokenSource,
            },
            Memory = new
            {
                TotalBytes = plan.Estimate.TotalBytes,
                TotalGib = Gib(plan.Estimate.TotalBytes),
                Terms = plan.Estimate.Terms.Select(t => new { t.Key, t.Category, t.Label, t.Bytes, Gib = Gib(t.Bytes), t.Basis }),
            },
            Gpu = plan.Gpu is { } gpu
                ? new
                {
                    MemoryBytes = gpu.Bytes,
                    MemoryGib = Gib(gpu.Bytes),
                    Utilization = Math.Round(gpu.Utilization(plan.Estimate.TotalBytes), 4),
                    Fit = plan.Fit,
                    LargestComfortableBatch = plan.LargestComfortableBatch,
                    Remedies = plan.Remedies.Select((r, i) => new
                    {
                        Step = i + 1,
                        r.Kind,
                        r.Title,
                        r.Change,
                        TotalBytes = r.Estimate.TotalBytes,
                        TotalGib = Gib(r.Estimate.TotalBytes),
                        Utilization = Math.Round(gpu.Utilization(r.Estimate.TotalBytes), 4),
                        r.Fit,
                    }),
                }
                : null,
            Time = new
            {
                plan.Time.FlopsPerStep,
                plan.Time.SustainedTflops,
                SecondsPerStep = Math.Round(plan.Time.SecondsPerStep, 4),
                plan.Time.TrainExamples,
                plan.Time.StepsPerEpoch,
                plan.Time.TotalSteps,
                TotalSeconds = plan.Time.TotalSeconds is double s ? Math.Round(s, 1) : (double?)null,
            },
            plan.Assumptions,
        };
        return JsonSerializer.Serialize(document, Options);
    }

    private static double Gib(long bytes) => Math.Round(Quantities.GiB(bytes), 4);
}
