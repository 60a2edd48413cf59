using VlmForge.Models.Safetensors;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Families;

/// <summary>Builds real-family models: loaded from a local snapshot folder, or with fresh weights from a config.</summary>
public static class FamilyModels
{
    /// <summary>
    /// Loads the snapshot at <paramref name="snapshotPath"/> (<c>model.path</c>) for training with <paramref name="setup"/>:
    /// strict (every key used, every shape checked), streamed one tensor at a time, frozen weights cast to the compute
    /// dtype and frozen linears quantized when <see cref="ModelSetup.Quantizer"/> is set.
    /// </summary>
    public static FamilyModel Load(string snapshotPath, ModelSetup setup, FamilyModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.Validate();
        var snapshot = SnapshotFolder.Open(snapshotPath);
        using var weights = snapshot.OpenWeights();
        return Load(snapshot.Config, weights, snapshot.Path, setup, options);
    }

    /// <summary>Loads <paramref name="weights"/> into the model <paramref name="config"/> describes (see <see cref="Load(string, ModelSetup, FamilyModelOptions?)"/>).</summary>
    public static FamilyModel Load(IFamilyConfig config, ITensorSource weights, string sourceName, ModelSetup setup, FamilyModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(setup);
        config.Validate();
        setup.Validate();
        var skeleton = Skeleton(config, setup, options ?? new FamilyModelOptions());
        try
        {
            SnapshotLoader.Fill(skeleton, weights, sourceName, setup);
            skeleton.GradientCheckpointing = setup.GradientCheckpointing;
            return skeleton;
        }
        catch
        {
            skeleton.Dispose();
            throw;
        }
    }

    /// <summary>A model with fresh weights (seed with <c>torch.manual_seed</c> first), prepared for training.</summary>
    public static FamilyModel Create(IFamilyConfig config, ModelSetup setup, FamilyModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.CreateModel(setup, options ?? new FamilyModelOptions());
    }

    private static FamilyModel Skeleton(IFamilyConfig config, ModelSetup setup, FamilyModelOptions options) => config.CreateSkeleton(setup, options, META);
}
