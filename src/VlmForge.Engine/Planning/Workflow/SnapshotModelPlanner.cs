using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Engine.Families;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Models.Families;
using VlmForge.Models.Presets;
using VlmForge.Settings;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>
/// How the planner sees a snapshot family's model (<see cref="ISnapshotFamily"/>): the architecture from the snapshot's or
/// the preset's config.json, image tokens by the family's image processing, text tokens by the snapshot's tokenizer.
/// </summary>
internal static class SnapshotModelPlanner
{
    public static PlannedModel Plan(PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (settings, _, originals, assumptions) = request;
        var resolved = ResolvedModel.Resolve(settings, assumptions);
        var family = ModelFamilyRegistry.Of(resolved.Config);
        var shape = family.Shape(resolved.Config, resolved.Name);
        var run = RunConventions.WithSplitting(
            family.Conventions(resolved.Config, SnapshotResize(resolved, family), originals, request.Side), SnapshotSplitting(resolved, family));
        Func<ImageSize, (int ImageTokens, int VisionTokens)>? perImageTokens = null;
        // Split images (SmolVLM): the tiles of an image of an original size; each frame has the model's image tokens.
        Func<ImageSize, TileGrid>? tilesOf = null;
        TileGrid unknownTiles = TileGrid.None;
        if (run.PerImage)
        {
            // Each image is sized on its own: the longest sample (image + text tokens) is measured by the planner.
            perImageTokens = original => family.ImageTokens(resolved.Config, run.Conventions.Boxes.ModelImageSize(original));
            if (originals.Count > 1)
                assumptions.Add($"the images have {originals.Count} different sizes, each resized on its own ({run.Resize}); the longest sample's image is planned.");
        }
        else if (run.Conventions.Splitting is { } splitting)
        {
            tilesOf = splitting.Grid;
            // Without a dataset, a square image at the longest edge: the most tiles the processor makes.
            unknownTiles = splitting.Grid(new ImageSize(splitting.LongestEdge ?? splitting.TileSize, splitting.LongestEdge ?? splitting.TileSize));
            assumptions.Add($"images are split into {splitting.TileSize} px tiles and a global view ({run.Resize}); each frame has the image tokens below, " +
                            (!request.Dataset.Exists ? $"and a square image's {unknownTiles.Frames} frames are planned." : "and the longest sample's frames are planned."));
        }
        else if (originals.Count > 1 && run.Conventions.Boxes is FixedSizeBoxConvention)
        {
            assumptions.Add($"the images have {originals.Count} different sizes: each is resized to {run.ModelImage.Width}x{run.ModelImage.Height} (one image size per run).");
        }
        var (imageTokens, visionTokens) = family.ImageTokens(resolved.Config, run.ModelImage);
        var counter = (ITokenCounter?)SnapshotCounter(resolved, assumptions) ?? new HeuristicTokenCounter();
        return new PlannedModel(shape, resolved.Name, resolved.Source, run.Conventions, request.Examples(run.Conventions), imageTokens, visionTokens, counter)
        {
            PerImageTokens = perImageTokens,
            TilesOf = tilesOf,
            UnknownTiles = unknownTiles,
            SmallerModels = () => SmallerModels(settings),
        };
    }

    private static TokenizerCounter? SnapshotCounter(ResolvedModel resolved, List<string> assumptions)
    {
        if (resolved.SnapshotPath is not { } folder)
            return null;
        try
        {
            return new TokenizerCounter(HuggingFaceTokenizer.Load(folder), $"the snapshot's tokenizer ({folder})");
        }
        catch (Exception e) when (e is IOException or TokenizerFormatException or InvalidDataException)
        {
            assumptions.Add($"the snapshot's tokenizer could not be read ({e.Message}).");
            return null;
        }
    }

    /// <summary>
    /// The image resize of the planned model as its family reads it from the snapshot (Qwen2.5-VL's
    /// preprocessor_config.json bounds); null without a snapshot (the family's defaults) or for a fixed input size.
    /// </summary>
    private static SmartResize? SnapshotResize(ResolvedModel resolved, ISnapshotFamily family) =>
        FromSnapshot(resolved, folder => family.ReadResize(resolved.Config, folder, folder));

    /// <summary>The planned model's image splitting as its family reads it from the snapshot (SmolVLM); null without a snapshot.</summary>
    private static ImageSplitting? SnapshotSplitting(ResolvedModel resolved, ISnapshotFamily family) =>
        FromSnapshot(resolved, folder => family.ReadSplitting(resolved.Config, folder, folder));

    /// <summary>What <paramref name="read"/> finds in the snapshot folder (null without one); its errors name model.path.</summary>
    private static T? FromSnapshot<T>(ResolvedModel resolved, Func<string, T?> read) where T : class
    {
        if (resolved.SnapshotPath is not { } folder)
            return null;
        try
        {
            return read(folder);
        }
        catch (WorkflowException e)
        {
            throw new PlanningException(e.Message, "model.path");
        }
    }

    /// <summary>The smaller sizes of the family with a preset, next smaller first.</summary>
    private static IReadOnlyList<SmallerModel> SmallerModels(WorkflowSettings settings)
    {
        var family = ModelFamilies.Normalize(settings.Model.Family);
        int current = ModelPresets.Sizes.ToList().IndexOf(settings.Model.Size.ToTomlName());
        return ModelPresets.All
            .Where(p => p.Family == family && ModelPresets.Sizes.ToList().IndexOf(p.Size) < current)
            .OrderByDescending(p => ModelPresets.Sizes.ToList().IndexOf(p.Size))
            .Select(p => new SmallerModel(p.Size, p.Repository, ModelFamilyRegistry.Of(p.Config).Shape(p.Config, p.Repository)))
            .ToList();
    }
}
