using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families;
using VlmForge.Models.Families.SmolVlm;

namespace VlmForge.Engine.Families.SmolVlm;

/// <summary>SmolVLM (Idefics3): one global square image of the vision encoder's size, mean/std 0.5, square-pixel boxes.</summary>
public sealed class SmolVlmFamily : ISnapshotFamily
{
    /// <inheritdoc />
    public string Name => ModelFamilies.SmolVlm;

    /// <inheritdoc />
    public string ModelType => Idefics3Config.HuggingFaceModelType;

    /// <inheritdoc />
    public Data.Prompts.ChatTemplate Template => Data.Prompts.ChatTemplates.SmolVlm;

    /// <inheritdoc />
    public IFamilyConfig ParseConfig(string json, string source) => Idefics3Config.Parse(json, source);

    /// <inheritdoc />
    public ModelShape Shape(IFamilyConfig config, string name) => ModelShapes.SmolVlm(Config(config), name);

    /// <inheritdoc />
    public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured) => null;

    /// <inheritdoc />
    public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize) =>
        EncoderSquare(config);

    /// <inheritdoc />
    public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize) => EncoderSquare(config);

    /// <inheritdoc />
    public (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage)
    {
        var smol = Config(config);
        return (smol.ImageTokenCount, smol.PatchGrid * smol.PatchGrid);
    }

    /// <inheritdoc />
    public (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage) => (0, new FamilyModelOptions());

    private static RunConventions EncoderSquare(IFamilyConfig config)
    {
        int side = Config(config).Vision.ImageSize;
        return new RunConventions(FamilyDataConventions.SmolVlm(side), new ImageSize(side, side));
    }

    private static Idefics3Config Config(IFamilyConfig config) => config as Idefics3Config
        ?? throw new ArgumentException($"The {ModelFamilies.SmolVlm} family needs an {nameof(Idefics3Config)}, not a {config?.GetType().Name ?? "null"}.", nameof(config));
}
