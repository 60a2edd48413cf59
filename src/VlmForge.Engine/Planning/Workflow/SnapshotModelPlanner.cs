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
        var run = family.Conventions(resolved.Config, SnapshotResize(resolved, family), originals, request.Side);
        Func<ImageSize, (int ImageTokens, int VisionTokens)>? perImageTokens = null;
        if (run.PerImage)
        {
            // Each image is sized on its own: the longest sample (image + text tokens) is measured by the planner.
            perImageTokens = original => family.ImageTokens(resolved.Config, run.Conventions.Boxes.ModelImageSize(original));
            if (originals.Count > 1)
                assumptions.Add($"the images have {originals.Count} different sizes, each resized on its own ({run.Resize}); the longest sample's image is planned.");
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
    private static SmartResize? SnapshotResize(ResolvedModel resolved, ISnapshotFamily family)
    {
        if (resolved.SnapshotPath is not { } folder)
            return null;
        try
        {
            return family.ReadResize(resolved.Config, folder, folder);
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
