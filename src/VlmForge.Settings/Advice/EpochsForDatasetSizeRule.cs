using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Advice;

/// <summary>
/// The page's epoch ranges by dataset size: fewer than 100 images 100-300 epochs, 100-1000 images 50-150, 1000+
/// images 20-100. The size is the training file's record count, or the synthetic count when the data is generated.
/// </summary>
public sealed class EpochsForDatasetSizeRule : IAdviceRule
{
    /// <inheritdoc />
    public string Name => "epochs-for-dataset-size";

    /// <inheritdoc />
    public string Code => "VLMA0002";

    /// <summary>The recommended range and the page's reasoning for <paramref name="images"/> training images.</summary>
    public static (int Min, int Max, string Band, string Reason) Recommended(int images) => images switch
    {
        < 100 => (100, 300, "small datasets (<100 images)", "more passes are needed to learn from limited data; watch for overfitting after ~200 epochs"),
        < 1000 => (50, 150, "medium datasets (100-1000 images)", "balanced learning with sufficient data; expect a plateau around 100 epochs"),
        _ => (20, 100, "large datasets (1000+ images)", "fewer passes are needed with abundant data; returns diminish after 50-75 epochs"),
    };

    /// <inheritdoc />
    public void Check(AdviceContext context, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.DatasetSize is not { } size) return;
        var epochs = context.Settings.Training.Epochs;
        var (min, max, band, reason) = Recommended(size.Images);
        if (epochs >= min && epochs <= max) return;
        context.Warn(diagnostics, this, "training.epochs",
            $"{epochs} epochs for {size.Images} training images ({size.Source}); the recommended range for {band} is {min}-{max}: {reason}. " +
            (epochs < min ? "Train longer while validation still improves." : "Use early stopping or fewer epochs to avoid overfitting and wasted time."));
    }
}
