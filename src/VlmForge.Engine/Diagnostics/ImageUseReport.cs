using System.Globalization;
using VlmForge.Data.Tasks;

namespace VlmForge.Engine.Diagnostics;

/// <summary>How one task's examples use their images.</summary>
/// <param name="Task">The task.</param>
/// <param name="Examples">Examples measured.</param>
/// <param name="Loss">Mean answer-token loss with each example's own image.</param>
/// <param name="ShuffledLoss">The same with the images rolled inside each batch so that every example sees another record's image.</param>
/// <param name="ImageAttentionShare">Per decoder layer: the share of attention that answer-predicting positions give to image tokens.</param>
/// <param name="ImageTokenSpread">How much image tokens differ between images: the root-mean-square deviation of each token
/// from that token's mean over the images, as a fraction of the tokens' root-mean-square size, over images with as many tokens
/// (or, when every image has its own count, of each image's mean token; see <see cref="ImageUseDiagnosis.TokenSpread"/>).
/// Near 0: every image gives the decoder the same tokens.</param>
public sealed record TaskImageUse(
    TaskKind Task, int Examples, double Loss, double ShuffledLoss, IReadOnlyList<double> ImageAttentionShare, double ImageTokenSpread)
{
    /// <summary>How much worse the answers get with the wrong images (nats per answer token).</summary>
    public double Gap => ShuffledLoss - Loss;
}

/// <summary>Is the model using its images? Per task measurements and a one-line verdict.</summary>
public sealed record ImageUseReport(IReadOnlyList<TaskImageUse> Tasks)
{
    /// <summary>A gap above this (nats per answer token) means the answers depend on the image.</summary>
    public const double UsesImagesGap = 0.05;

    /// <summary>Below this the answers do not depend on the image at all.</summary>
    public const double IgnoresImagesGap = 0.01;

    /// <summary>
    /// A gap with its sign: "+0.123", "-0.004". A gap that rounds to zero reads "+0.000" (with only a positive and a
    /// negative section, .NET writes a tiny negative one as "-+0.000").
    /// </summary>
    public static string FormatGap(double gap) => gap.ToString("+0.000;-0.000;+0.000", CultureInfo.InvariantCulture);

    /// <summary>One line a user can act on.</summary>
    public string Verdict
    {
        get
        {
            if (Tasks.Count == 0)
            {
                return "no examples to measure";
            }
            var best = Tasks.MaxBy(t => t.Gap)!;
            string gaps = string.Join(", ", Tasks.Select(t => string.Create(CultureInfo.InvariantCulture, $"{TaskKinds.Name(t.Task)} {FormatGap(t.Gap)}")));
            if (best.Gap >= UsesImagesGap)
            {
                var blind = Tasks.Where(t => t.Gap < IgnoresImagesGap).Select(t => TaskKinds.Name(t.Task)).ToList();
                return blind.Count == 0
                    ? $"uses the images: swapping them makes every task's answers worse ({gaps} nats per answer token)"
                    : $"uses the images for some tasks but not for {string.Join(", ", blind)} ({gaps} nats per answer token)";
            }
            return best.Gap >= IgnoresImagesGap
                ? $"barely uses the images: swapping them hardly changes the answers ({gaps} nats per answer token); train longer or check the vision side"
                : $"ignores the images: answers are as good with another example's image ({gaps} nats per answer token); the model answers from text priors";
        }
    }
}
