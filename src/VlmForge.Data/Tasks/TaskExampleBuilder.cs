using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Prompts;

namespace VlmForge.Data.Tasks;

/// <summary>
/// Turns records into single-turn examples for the selected tasks, in a fixed order: per record its
/// grounding, then each question, then its caption. A record without a selected task adds nothing.
/// </summary>
public sealed class TaskExampleBuilder(BoxConvention convention, TaskInstructions? instructions = null)
{
    public BoxConvention Convention { get; } = convention ?? throw new ArgumentNullException(nameof(convention));

    public TaskInstructions Instructions { get; } = instructions ?? TaskInstructions.Default;

    public IReadOnlyList<TaskExample> Build(IEnumerable<DatasetRecord> records, IReadOnlyCollection<TaskKind> tasks)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            throw new ArgumentException("Select at least one task (grounding, vqa, caption).", nameof(tasks));
        }

        var examples = new List<TaskExample>();
        foreach (DatasetRecord record in records)
        {
            if (tasks.Contains(TaskKind.Grounding) && record.Grounding is not null)
            {
                examples.Add(new TaskExample
                {
                    Record = record,
                    Task = TaskKind.Grounding,
                    UserText = Instructions.Grounding,
                    Answer = GroundingAnswer(record),
                });
            }

            if (tasks.Contains(TaskKind.Vqa))
            {
                for (int i = 0; i < record.Questions.Count; i++)
                {
                    examples.Add(new TaskExample
                    {
                        Record = record,
                        Task = TaskKind.Vqa,
                        UserText = record.Questions[i].Question,
                        Answer = record.Questions[i].Answer,
                        Index = i,
                    });
                }
            }

            if (tasks.Contains(TaskKind.Caption) && record.Captions.Count > 0)
            {
                examples.Add(new TaskExample
                {
                    Record = record,
                    Task = TaskKind.Caption,
                    UserText = Instructions.Caption,
                    Answer = record.Captions[0],
                });
            }
        }

        return examples;
    }

    /// <summary>The record's grounding as the page's JSON, boxes in the model's coordinates.</summary>
    public string GroundingAnswer(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        PhraseGrounding grounding = record.Grounding
            ?? throw new ArgumentException($"{record.Location} has no phrase_grounding.", nameof(record));
        return GroundingJsonWriter.Write(grounding.MapBoxes(box => Convention.ToModel(box, record.ImageSize)));
    }

    /// <summary>Every text a tokenizer built for these examples has to cover.</summary>
    public static IEnumerable<string> Texts(IEnumerable<TaskExample> examples, string? systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            yield return systemPrompt;
        }

        foreach (TaskExample example in examples)
        {
            yield return example.UserText;
            yield return example.Answer;
        }
    }
}
