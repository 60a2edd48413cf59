using System.Globalization;
using System.Text;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static VlmForge.Engine.Planning.Quantities;

namespace VlmForge.Engine.Planning.Output;

/// <summary>The plan as text for people: what is planned, the breakdown, the GPU fit, remedies, time and assumptions.</summary>
internal static class PlanTextRenderer
{
    /// <summary>Renders <paramref name="plan"/>.</summary>
    public static string Render(MemoryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        var input = plan.Input;
        var estimate = plan.Estimate;
        var model = input.Model;
        var sequence = input.Sequence;

        text.AppendLine($"vlmforge plan: {plan.ConfigName}");
        var summary = new TextTable();
        summary.Add("model", $"{plan.ModelName} ({plan.ModelSource})");
        summary.Add("", $"{Count(estimate.TotalParameters)} parameters: " + string.Join(", ",
            Enum.GetValues<ModelPart>().Where(p => model.PartParameters(p) > 0)
                .Select(p => $"{p.ToString().ToLowerInvariant()} {Count(model.PartParameters(p))}")));
        summary.Add("training", Training(input, estimate));
        summary.Add("batch", string.Create(CultureInfo.InvariantCulture,
            $"{input.BatchSize} x {input.GradientAccumulation} accumulation = effective batch {input.EffectiveBatch}; gradient checkpointing {(input.GradientCheckpointing ? "on" : "off")}"));
        summary.Add("tokens", string.Create(CultureInfo.InvariantCulture,
            $"{sequence.TokensPerSample} per sample (longest) = {sequence.ImageTokensPerImage} image tokens ({sequence.VisionTokensPerImage} in the vision encoder) + {sequence.TextTokens} text; mean text {sequence.MeanTextTokens:0}"));
        summary.Add("", plan.TokenSource);
        summary.WriteTo(text, "");
        text.AppendLine();

        text.AppendLine("memory (GiB = 2^30 bytes, as GPU memory is sized)");
        var table = new TextTable(1);
        foreach (var term in estimate.Terms)
            table.Add(term.Label, GiB(term.Bytes).ToString("0.00", CultureInfo.InvariantCulture), term.Basis);
        table.Add("total", GiB(estimate.TotalBytes).ToString("0.00", CultureInfo.InvariantCulture), "");
        table.WriteTo(text, "  ");
        text.AppendLine();

        if (plan.Gpu is { } gpu)
        {
            WriteFit(text, plan, gpu);
            text.AppendLine();
        }

        text.AppendLine("time (rough)");
        var time = plan.Time;
        var timeLines = new TextTable();
        timeLines.Add("per step", string.Create(CultureInfo.InvariantCulture,
            $"{time.FlopsPerStep / 1e12:0.##} TFLOP -> {Duration(time.SecondsPerStep)} at {time.SustainedTflops:0.#} TFLOP/s sustained (--tflops){(input.Precision.BytesPerValue == 4 ? ", halved for fp32" : "")}"));
        if (time.StepsPerEpoch is long perEpoch)
            timeLines.Add("per epoch", string.Create(CultureInfo.InvariantCulture,
                $"{time.TrainExamples} examples / batch {input.BatchSize} = {perEpoch} steps -> {Duration(perEpoch * time.SecondsPerStep)}"));
        if (time.TotalSteps is long total)
        {
            // With data the line adds up like train's plan line (and says when max_steps caps the epochs).
            var steps = time.StepsPerEpoch is long stepsPerEpoch
                ? VlmForge.Engine.Training.TrainingPlan.DescribeSteps(stepsPerEpoch, time.Epochs, total, time.MaxUpdates, time.GradientAccumulation)
                : string.Create(CultureInfo.InvariantCulture, $"{total} steps");
            timeLines.Add("run", $"{steps} -> {Duration(time.TotalSeconds!.Value)}");
        }
        timeLines.WriteTo(text, "  ");

        if (plan.Assumptions.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("assumptions");
            foreach (var assumption in plan.Assumptions)
                text.AppendLine($"  - {assumption}");
        }
        return text.ToString();
    }

    /// <summary>"fits comfortably", "does not fit" and so on.</summary>
    public static string Describe(GpuFit fit) => fit switch
    {
        GpuFit.Roomy => "fits with room to spare",
        GpuFit.Comfortable => "fits comfortably",
        GpuFit.Tight => "fits, but above the page's 80% margin",
        _ => "does not fit",
    };

    private static string Training(PlanInput input, MemoryEstimate estimate)
    {
        double share = (double)estimate.TrainableParameters / estimate.TotalParameters;
        string mode = input.Mode == TrainingMode.Full
            ? "full fine-tuning"
            : $"LoRA r={input.Lora!.Rank} on {string.Join(", ", input.Lora.TargetModules)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{mode}: {Count(estimate.TrainableParameters)} trainable ({share * 100:0.##}%); quantization {input.Quantization.Describe(input.Precision.BytesPerValue)}; {input.Precision.Name}; {input.Optimizer.Name}");
    }

    private static void WriteFit(StringBuilder text, MemoryPlan plan, GpuBudget gpu)
    {
        var total = plan.Estimate.TotalBytes;
        var fit = plan.Fit!.Value;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"GPU {Number(GiB(gpu.Bytes))} GiB: {gpu.Utilization(total) * 100:0}% used, {Describe(fit)}."));
        if (fit is GpuFit.Roomy or GpuFit.Comfortable)
        {
            text.AppendLine("  The page: consistent 70-80% GPU memory use is optimal; under 50% the batch size can grow.");
            if (plan.LargestComfortableBatch is int largest && largest > plan.Input.BatchSize)
                text.AppendLine($"  batch_size up to {largest} stays within 80% (use the largest that fits, then gradient accumulation).");
            return;
        }
        if (plan.Remedies.Count == 0)
            return;
        text.AppendLine("  The page's remedies in its order, each applied on top of the ones before:");
        var table = new TextTable(3, 4);
        int step = 1;
        foreach (var remedy in plan.Remedies)
        {
            table.Add($"{step++}.", remedy.Title, remedy.Change, FormatGiB(remedy.Estimate.TotalBytes),
                Percent(gpu.Utilization(remedy.Estimate.TotalBytes)), Describe(remedy.Fit) + (remedy.Note is null ? "" : $" ({remedy.Note})"));
        }
        table.WriteTo(text, "  ");
        var last = plan.Remedies[^1];
        if (!gpu.IsComfortable(last.Estimate.TotalBytes))
        {
            double needed = GiB(last.Estimate.TotalBytes) / GpuBudget.ComfortableUtilization;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  Even with these the estimate is {FormatGiB(last.Estimate.TotalBytes)}: a GPU of {needed:0} GiB or more fits it at 80%."));
        }
    }

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0}%");

    private static string Duration(double seconds) => seconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0} ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min"),
        < 172800 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:0.0} days"),
    };
}
