using VlmForge.Data.Batching;
using VlmForge.Data.Tasks;
using VlmForge.Settings;

namespace VlmForge.Data.Tests.Batching;

/// <summary>training.loss_weighting: how a batch's rows share the loss.</summary>
public class RowLossWeightsTests
{
    // A mixed batch as the shapes data gives it: one grounding answer of 70 tokens, three one-word VQA answers
    // (answer + end of turn), a caption of 18 tokens, and a row whose answer was cut away entirely.
    private static readonly TaskKind[] Tasks = [TaskKind.Grounding, TaskKind.Vqa, TaskKind.Vqa, TaskKind.Vqa, TaskKind.Caption, TaskKind.Vqa];
    private static readonly int[] Tokens = [70, 2, 2, 2, 18, 0];

    [Fact]
    public void Tokens_keeps_the_plain_token_mean()
    {
        Assert.Null(RowLossWeights.For(LossWeighting.Tokens, Tasks, Tokens));
    }

    [Fact]
    public void Examples_gives_every_row_with_answer_tokens_the_same_share()
    {
        var weights = RowLossWeights.For(LossWeighting.Examples, Tasks, Tokens)!;

        for (int row = 0; row < 5; row++)
        {
            Assert.Equal(1.0 / 5, weights[row] * Tokens[row], 6);
        }
        Assert.Equal(0f, weights[5]);
        Assert.Equal(1.0, Enumerable.Range(0, 6).Sum(row => (double)weights[row] * Tokens[row]), 6);
    }

    [Fact]
    public void Tasks_gives_every_task_in_the_batch_the_same_share_whatever_its_answer_length()
    {
        var weights = RowLossWeights.For(LossWeighting.Tasks, Tasks, Tokens)!;

        double Share(TaskKind task) => Enumerable.Range(0, 6).Where(row => Tasks[row] == task).Sum(row => (double)weights[row] * Tokens[row]);
        Assert.Equal(1.0 / 3, Share(TaskKind.Grounding), 6);
        Assert.Equal(1.0 / 3, Share(TaskKind.Vqa), 6);
        Assert.Equal(1.0 / 3, Share(TaskKind.Caption), 6);
        // Within a task every token weighs the same: a VQA token weighs 70/6 times a grounding token here.
        Assert.Equal(weights[1], weights[3]);
        Assert.Equal(70.0 / 6, weights[1] / weights[0], 4);
    }

    [Fact]
    public void A_batch_of_one_task_weighs_its_tokens_like_the_token_mean()
    {
        var weights = RowLossWeights.For(LossWeighting.Tasks, [TaskKind.Vqa, TaskKind.Vqa], [2, 3])!;

        Assert.All(weights, w => Assert.Equal(1f / 5, w, 6));
    }

    [Fact]
    public void Counts_must_match_the_rows()
    {
        Assert.Throws<ArgumentException>(() => RowLossWeights.For(LossWeighting.Examples, [TaskKind.Vqa], [1, 2]));
    }
}
