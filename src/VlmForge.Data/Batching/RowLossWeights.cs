using VlmForge.Data.Tasks;
using VlmForge.Settings;

namespace VlmForge.Data.Batching;

/// <summary>
/// <c>training.loss_weighting</c>: one weight per batch row, applied to each of the row's answer tokens, so that the
/// batch's loss is the weighted sum of its token losses. The weights of a batch sum to one over its answer tokens, so
/// the loss stays a mean and the learning rate means the same under every weighting.
/// </summary>
public static class RowLossWeights
{
    /// <param name="weighting">How tokens share the loss.</param>
    /// <param name="tasks">Each row's task.</param>
    /// <param name="answerTokens">Each row's count of tokens that take a loss (labels other than the ignore index).</param>
    /// <returns>Null for <see cref="LossWeighting.Tokens"/> (every token 1/N: the plain token mean).</returns>
    public static float[]? For(LossWeighting weighting, IReadOnlyList<TaskKind> tasks, IReadOnlyList<int> answerTokens)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(answerTokens);
        if (tasks.Count != answerTokens.Count)
        {
            throw new ArgumentException($"{tasks.Count} tasks but {answerTokens.Count} token counts.", nameof(answerTokens));
        }
        return weighting switch
        {
            LossWeighting.Tokens => null,
            LossWeighting.Examples => PerExample(answerTokens),
            LossWeighting.Tasks => PerTask(tasks, answerTokens),
            _ => throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Unknown loss weighting."),
        };
    }

    /// <summary>Each row with answer tokens gets 1/rows of the loss, spread over its own tokens.</summary>
    private static float[] PerExample(IReadOnlyList<int> answerTokens)
    {
        int rows = answerTokens.Count(n => n > 0);
        return answerTokens.Select(n => n > 0 ? 1f / (rows * n) : 0f).ToArray();
    }

    /// <summary>Each task present gets 1/tasks of the loss, spread over that task's tokens in the batch.</summary>
    private static float[] PerTask(IReadOnlyList<TaskKind> tasks, IReadOnlyList<int> answerTokens)
    {
        var tokensOfTask = new Dictionary<TaskKind, int>();
        for (int row = 0; row < tasks.Count; row++)
        {
            tokensOfTask[tasks[row]] = tokensOfTask.GetValueOrDefault(tasks[row]) + answerTokens[row];
        }
        int present = tokensOfTask.Count(t => t.Value > 0);
        return tasks.Select((task, row) => answerTokens[row] > 0 ? 1f / (present * tokensOfTask[task]) : 0f).ToArray();
    }
}
