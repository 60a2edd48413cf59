using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Planning;

public class RemedyAdvisorTests
{
    private static readonly SequenceShape Grounding = new(1, 256, 1024, 570, 570);

    private static PlanInput Qwen7B => PlanningFixtures.PageDefaults(PlanningFixtures.Preset("qwen2_5_vl", "medium"), Grounding);

    private static IReadOnlyList<SmallerModel> SmallerThan7B =>
        [new("small", "Qwen/Qwen2.5-VL-3B-Instruct", PlanningFixtures.Preset("qwen2_5_vl", "small"))];

    private static LoraPlan DefaultLora => new(16, 0.05, ["q_proj", "k_proj", "v_proj", "o_proj"]);

    [Fact]
    public void Remedies_come_in_the_page_s_order_until_the_plan_fits_comfortably()
    {
        var input = Qwen7B with { Quantization = QuantizationPlan.None, BatchSize = 8, GradientCheckpointing = false };
        var gpu = GpuBudget.FromGiB(24);

        var remedies = RemedyAdvisor.Suggest(input, gpu, SmallerThan7B, DefaultLora, PlanningFixtures.Nf4());

        Assert.Equal([RemedyKind.Quantize, RemedyKind.SmallerBatch], remedies.Select(r => r.Kind));
        Assert.All(remedies, r => Assert.Equal(8, r.Estimate.Input.EffectiveBatch));
        Assert.All(remedies.SkipLast(1), r => Assert.False(gpu.IsComfortable(r.Estimate.TotalBytes)));
        Assert.True(gpu.IsComfortable(remedies[^1].Estimate.TotalBytes));
        // Each remedy is applied on top of the previous ones.
        Assert.True(remedies[^1].Estimate.Input.Quantization.Quantized);
        // The 4-bit linears dequantize again in backward, so NF4 saves its storage without gradient checkpointing.
        Assert.False(remedies[^1].Estimate.Input.GradientCheckpointing);
    }

    [Fact]
    public void Quantizing_saves_memory_without_checkpointing_and_needs_no_warning()
    {
        var input = Qwen7B with { Quantization = QuantizationPlan.None, BatchSize = 8, GradientCheckpointing = false };

        var quantize = RemedyAdvisor.Suggest(input, GpuBudget.FromGiB(24), SmallerThan7B, DefaultLora, PlanningFixtures.Nf4())[0];

        Assert.Equal(RemedyKind.Quantize, quantize.Kind);
        Assert.DoesNotContain("gradient checkpointing", quantize.Note ?? "");
        // 7.16 B weights in bf16 (13.3 GiB) become 3.75 GiB of NF4.
        Assert.True(MemoryEstimator.Estimate(input).TotalBytes - quantize.Estimate.TotalBytes > 9L * 1024 * 1024 * 1024);
    }

    [Fact]
    public void The_smaller_batch_keeps_the_effective_batch_with_accumulation()
    {
        var input = Qwen7B with { BatchSize = 16, GradientAccumulation = 1 };
        var gpu = GpuBudget.FromGiB(24);

        var remedy = Assert.Single(RemedyAdvisor.Suggest(input, gpu, SmallerThan7B, DefaultLora, PlanningFixtures.Nf4()));

        Assert.Equal(RemedyKind.SmallerBatch, remedy.Kind);
        var chosen = remedy.Estimate.Input;
        Assert.Equal(16, chosen.BatchSize * chosen.GradientAccumulation);
        Assert.True(gpu.IsComfortable(remedy.Estimate.TotalBytes));
        // The largest such batch: twice it is no longer comfortable.
        Assert.False(gpu.IsComfortable(MemoryEstimator.Estimate(chosen with { BatchSize = chosen.BatchSize * 2 }).TotalBytes));
    }

    [Fact]
    public void Full_fine_tuning_is_offered_QLoRA_first()
    {
        var input = Qwen7B with { Mode = TrainingMode.Full, Lora = null, Quantization = QuantizationPlan.None, BatchSize = 1 };

        var remedies = RemedyAdvisor.Suggest(input, GpuBudget.FromGiB(40), SmallerThan7B, DefaultLora, PlanningFixtures.Nf4());

        Assert.Equal(RemedyKind.Quantize, remedies[0].Kind);
        Assert.Equal(TrainingMode.Lora, remedies[0].Estimate.Input.Mode);
        Assert.True(remedies[0].Estimate.Input.Quantization.Quantized);
    }

    [Fact]
    public void A_model_too_large_for_the_GPU_is_offered_a_smaller_size()
    {
        var input = PlanningFixtures.PageDefaults(PlanningFixtures.Preset("qwen2_5_vl", "large"), Grounding);
        IReadOnlyList<SmallerModel> smaller =
        [
            new("medium", "Qwen/Qwen2.5-VL-7B-Instruct", PlanningFixtures.Preset("qwen2_5_vl", "medium")),
            .. SmallerThan7B,
        ];

        var remedies = RemedyAdvisor.Suggest(input, GpuBudget.FromGiB(16), smaller, DefaultLora, PlanningFixtures.Nf4());

        Assert.Equal([RemedyKind.SmallerBatch, RemedyKind.SmallerModel], remedies.Select(r => r.Kind));
        Assert.Equal(PlanningFixtures.Preset("qwen2_5_vl", "medium").Name, remedies[^1].Estimate.Input.Model.Name);
        Assert.Contains("size = \"medium\"", remedies[^1].Change);
        Assert.True(GpuBudget.FromGiB(16).IsComfortable(remedies[^1].Estimate.TotalBytes));
    }

    [Fact]
    public void A_comfortable_plan_needs_no_remedy_and_reports_the_largest_batch_within_80_percent()
    {
        var input = Qwen7B with { BatchSize = 2 };
        var gpu = GpuBudget.FromGiB(40);

        Assert.Empty(RemedyAdvisor.Suggest(input, gpu, SmallerThan7B, DefaultLora, PlanningFixtures.Nf4()));
        int largest = RemedyAdvisor.LargestComfortableBatch(input, gpu);
        Assert.True(gpu.IsComfortable(MemoryEstimator.Estimate(input with { BatchSize = largest }).TotalBytes));
        Assert.False(gpu.IsComfortable(MemoryEstimator.Estimate(input with { BatchSize = largest + 1 }).TotalBytes));
    }

    [Theory]
    [InlineData(9.9, nameof(GpuFit.Roomy))]
    [InlineData(16, nameof(GpuFit.Comfortable))]
    [InlineData(19, nameof(GpuFit.Tight))]
    [InlineData(20.5, nameof(GpuFit.DoesNotFit))]
    public void Fit_follows_the_page_s_utilization_thresholds(double usedGiB, string fit)
    {
        // The fit is named (GpuFit is internal; a public test method cannot take it).
        Assert.Equal(Enum.Parse<GpuFit>(fit), GpuBudget.FromGiB(20).Fit(Engine.Planning.Quantities.Bytes(usedGiB)));
    }
}
