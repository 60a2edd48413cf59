using System.Text.Json;
using VlmForge.Data.Families;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families;
using VlmForge.Models.Families.SmolVlm;

namespace VlmForge.Engine.Families.SmolVlm;

/// <summary>
/// SmolVLM (Idefics3): images split into encoder-size tiles and a global view when the snapshot's processor splits them
/// (<see cref="ReadSplitting"/>), otherwise one global square image of the encoder's size; mean/std 0.5; boxes in pixels
/// of the encoder-size square (the global view) either way.
/// </summary>
internal sealed class SmolVlmFamily : ISnapshotFamily
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
    public ModelShape Shape(IFamilyConfig config, string name) => SmolVlmShape.Of(Config(config), name);

    /// <inheritdoc />
    public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured) => null;

    /// <inheritdoc />
    /// <remarks>
    /// On when the snapshot's preprocessor_config.json has <c>do_image_splitting</c> true or unset (the processor's
    /// default); off without that file (one global image, as before). Tiles are <c>max_image_size.longest_edge</c> (default
    /// the encoder's image size, which it must equal), after resizing the longest edge to <c>size.longest_edge</c> (default
    /// 4 tiles; none with <c>do_resize: false</c>).
    /// </remarks>
    public ImageSplitting? ReadSplitting(IFamilyConfig config, string folder, string configured)
    {
        int encoder = Config(config).Vision.ImageSize;
        var splitting = ProcessorConfigFile.Read(folder, configured, root =>
        {
            if (Bool(root, "do_image_splitting") == false)
            {
                return null;
            }
            int tile = Edge(root, "max_image_size") ?? encoder;
            int? longest = Bool(root, "do_resize") == false ? null : Edge(root, "size") ?? 4 * tile;
            return new ImageSplitting(tile, longest);
        }, missing: (ImageSplitting?)null);
        if (splitting is null)
        {
            return null;
        }
        var file = Path.Combine(folder, ProcessorConfigFile.FileName);
        if (splitting.TileSize != encoder)
        {
            throw new WorkflowException(
                $"model.path = \"{configured}\": {file} splits images into {splitting.TileSize} px tiles (max_image_size.longest_edge), but the " +
                $"vision encoder takes {encoder} px (config.json's vision_config.image_size); set max_image_size.longest_edge to {encoder}.");
        }
        try
        {
            splitting.Validate();
        }
        catch (ArgumentException e)
        {
            throw new WorkflowException($"model.path = \"{configured}\": {file}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}", e);
        }
        return splitting;
    }

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

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>An edge length given as <c>{"longest_edge": n}</c> (the processor's size dictionaries).</summary>
    private static int? Edge(JsonElement element, string name) =>
        element.TryGetProperty(name, out var size) && size.ValueKind == JsonValueKind.Object
        && size.TryGetProperty("longest_edge", out var edge) && edge.ValueKind == JsonValueKind.Number
            ? edge.GetInt32()
            : null;

    private static Idefics3Config Config(IFamilyConfig config) => config as Idefics3Config
        ?? throw new ArgumentException($"The {ModelFamilies.SmolVlm} family needs an {nameof(Idefics3Config)}, not a {config?.GetType().Name ?? "null"}.", nameof(config));
}
