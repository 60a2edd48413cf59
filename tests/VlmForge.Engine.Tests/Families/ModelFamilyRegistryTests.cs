using System.Text.Json;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Engine.Families;
using VlmForge.Engine.Families.Tiny;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Tests.Planning;
using VlmForge.Models.Families;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Families;

/// <summary>A family registered from outside the engine is found everywhere the built-in ones are, with no engine change.</summary>
public sealed class ModelFamilyRegistryTests
{
    [Fact]
    public void A_family_registered_from_a_test_assembly_parses_its_snapshots_and_gives_the_planner_its_shape()
    {
        var family = new OutsideFamily();
        ModelFamilyRegistry.Register(family);

        var config = ModelFamilies.ParseConfig("""{ "model_type": "outside_vlm", "layers": 3 }""", "outside/config.json");

        var outside = Assert.IsType<OutsideConfig>(config);
        Assert.Equal(3, outside.Layers);
        Assert.Same(family, ModelFamilyRegistry.Of(config));
        Assert.Same(family, ModelFamilyRegistry.Find("Outside-VLM"));
        Assert.Equal("outside_vlm", ModelFamilies.Normalize("OutsideVlm"));
        var shape = ModelShapes.From(config, "outside");
        Assert.Equal(PlanningFixtures.Hand.TotalParameters, shape.TotalParameters);
        Assert.Equal("outside_vlm", shape.Family);
    }

    [Fact]
    public void Built_in_families_are_found_by_every_spelling_and_by_model_type()
    {
        Assert.Equal(ModelFamilies.Qwen25Vl, ModelFamilyRegistry.Find("qwen2.5-vl").Name);
        Assert.Equal(ModelFamilies.Qwen25Vl, ModelFamilyRegistry.Find("Qwen25Vl").Name);
        Assert.Equal(ModelFamilies.SmolVlm, ModelFamilyRegistry.Find("idefics3").Name);
        var error = Assert.Throws<ArgumentException>(() => ModelFamilyRegistry.Find("llava"));
        Assert.Contains("qwen2_5_vl, smolvlm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_real_architecture_of_the_models_layer_has_its_engine_family_and_tiny_is_one_of_them()
    {
        Assert.Equal(["tiny", "qwen2_5_vl", "smolvlm"], ModelFamilyRegistry.Names.Take(3));
        var tiny = Assert.IsType<TinyFamily>(ModelFamilyRegistry.Find("tiny"));
        Assert.Null(tiny.OpenSnapshot(Settings.Loading.WorkflowLoader.LoadText("[model]\nfamily = \"tiny\"\n", "t.toml", PlanningFixtures.Plugins).GetSettingsOrThrow()));
        foreach (var name in ModelFamilies.All)
        {
            var family = Assert.IsAssignableFrom<ISnapshotFamily>(ModelFamilyRegistry.Find(name));
            Assert.Equal(name, family.Name);
        }
    }

    private sealed record OutsideConfig(int Layers) : IFamilyConfig
    {
        public string Family => "outside_vlm";

        public string ModelType => "outside_vlm";

        public int VocabSize => PlanningFixtures.HandConfig.VocabSize;

        public int ImageTokenId => PlanningFixtures.HandConfig.ImageTokenId;

        public void Validate()
        {
        }

        public FamilyModel CreateModel(ModelSetup setup, FamilyModelOptions options) => throw new NotSupportedException("planning only");

        public FamilyModel CreateSkeleton(ModelSetup setup, FamilyModelOptions options, Device device) => throw new NotSupportedException("planning only");
    }

    private sealed class OutsideFamily : ISnapshotFamily
    {
        public string Name => "outside_vlm";

        public string ModelType => "outside_vlm";

        public ChatTemplate Template => ChatTemplates.Qwen25Vl;

        public IFamilyConfig ParseConfig(string json, string source)
        {
            using var document = JsonDocument.Parse(json);
            return new OutsideConfig(document.RootElement.GetProperty("layers").GetInt32());
        }

        public ModelShape Shape(IFamilyConfig config, string name) => PlanningFixtures.Hand with { Name = name, Family = Name };

        public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured) => null;

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize) =>
            new(FamilyDataConventions.Tiny(datasetImageSize), new ImageSize(datasetImageSize, datasetImageSize));

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize) =>
            new(FamilyDataConventions.Tiny(trained.Width), trained);

        public (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage) => (16, 64);

        public (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage) => (16, new FamilyModelOptions());
    }
}
