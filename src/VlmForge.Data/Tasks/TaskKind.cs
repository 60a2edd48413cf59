namespace VlmForge.Data.Tasks;

/// <summary>The three tasks a dataset record can carry.</summary>
public enum TaskKind
{
    Grounding,
    Vqa,
    Caption,
}

public static class TaskKinds
{
    public static IReadOnlyList<TaskKind> All { get; } = [TaskKind.Grounding, TaskKind.Vqa, TaskKind.Caption];

    public static string Name(TaskKind kind) => kind switch
    {
        TaskKind.Grounding => "grounding",
        TaskKind.Vqa => "vqa",
        TaskKind.Caption => "caption",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task."),
    };

    /// <summary>
    /// Reads dataset.task: one name ("grounding", "vqa", "caption"), several joined by '+' or ','
    /// ("grounding+vqa"), or "all".
    /// </summary>
    public static IReadOnlyList<TaskKind> Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        var tasks = new List<TaskKind>();
        foreach (string part in value.Split(['+', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            TaskKind? kind = All.Cast<TaskKind?>().FirstOrDefault(k => Name(k!.Value).Equals(part, StringComparison.OrdinalIgnoreCase));
            if (kind is null)
            {
                throw new ArgumentException(
                    $"Unknown task '{part}' in '{value}'. Use grounding, vqa or caption, several joined by '+' (grounding+vqa), or all.",
                    nameof(value));
            }

            if (!tasks.Contains(kind.Value))
            {
                tasks.Add(kind.Value);
            }
        }

        return tasks;
    }
}
