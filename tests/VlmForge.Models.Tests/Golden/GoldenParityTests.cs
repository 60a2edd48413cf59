using VlmForge.Models.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Safetensors;
using VlmForge.Models.Training;
using VlmForge.Settings;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Golden;

/// <summary>
/// VlmForge's forward pass against Hugging Face transformers on tiny random checkpoints that transformers built and ran
/// (scripts/golden/make_golden.py): the same weights and inputs must give the same logits within 1e-4 (float32).
/// The fixtures need torch and transformers to make; until someone with them runs the script, these tests are skipped.
/// </summary>
public class GoldenParityTests(ITestOutputHelper output)
{
    /// <summary>Largest allowed |VlmForge - transformers| logit on a kept position, in float32.</summary>
    public const double Tolerance = 1e-4;

    [GoldenFixtureFact("qwen2_5_vl")]
    public void Qwen25Vl_logits_equal_transformers() => Compare("qwen2_5_vl");

    [GoldenFixtureFact("idefics3")]
    public void SmolVlm_logits_equal_transformers() => Compare("idefics3");

    private void Compare(string name)
    {
        var folder = GoldenFixtureFactAttribute.Folder(name);
        using var model = FamilyModels.Load(folder, new ModelSetup { Mode = TrainingMode.Full });
        model.train(false);
        using var golden = SafetensorsFile.Open(Path.Combine(folder, "golden.safetensors"));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = golden.Read("input_ids");
        var mask = golden.Read("attention_mask");
        var expected = golden.Read("logits");

        var actual = model.Forward(new VlmInputs(golden.Read("pixel_values"), ids, mask, null)).Logits;

        Assert.Equal(expected.shape, actual.shape);
        var kept = mask.to(ScalarType.Bool).unsqueeze(-1).expand_as(expected);
        double difference = (actual - expected).abs().masked_select(kept).max().item<float>();
        double scale = expected.abs().masked_select(kept).max().item<float>();
        output.WriteLine($"{name}: max |logit difference| {difference:G3} on {mask.sum().item<long>()} positions (largest |logit| {scale:G3}), " +
                         $"transformers {golden.Metadata.GetValueOrDefault("transformers")}");
        Assert.True(difference <= Tolerance, $"{name}: VlmForge's logits differ from transformers' by up to {difference:G3} (tolerance {Tolerance})");
    }
}

/// <summary>A golden-parity test: skipped, with the command that makes its fixtures, while they are absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GoldenFixtureFactAttribute : FactAttribute
{
    public GoldenFixtureFactAttribute(string family)
    {
        if (!File.Exists(Path.Combine(Folder(family), "golden.safetensors")))
        {
            Skip = $"no golden fixtures for {family} in {Folder(family)}: on a machine with torch and transformers run " +
                   "`pip install -r scripts/golden/requirements.txt && python scripts/golden/make_golden.py` and commit them";
        }
    }

    public static string Folder(string family)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln")))
        {
            dir = dir.Parent;
        }
        var root = dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(root, "tests", "VlmForge.Models.Tests", "Golden", "Fixtures", family);
    }
}
