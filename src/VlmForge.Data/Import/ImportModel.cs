using VlmForge.Data.Datasets;
using VlmForge.Data.Tasks;
using VlmForge.Settings;

namespace VlmForge.Data.Import;

/// <summary>One converted record: an image file (absolute path) with grounding, questions and captions.</summary>
public sealed record ImportedRecord(string ImagePath, PhraseGrounding? Grounding, IReadOnlyList<QuestionAnswer> Questions, IReadOnlyList<string> Captions);

/// <summary>A source record that could not be converted, located as <c>file:line</c> (JSONL) or <c>file: field[index]</c> (JSON).</summary>
public sealed record ImportProblem(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>A source record that cannot be converted and <c>--on-error fail</c> was asked for.</summary>
public sealed class ImportException(ImportProblem problem) : IOException(problem?.ToString())
{
    public ImportProblem Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));
}

/// <summary>Where a bad source record goes: into the list (skip) or out as an <see cref="ImportException"/> (fail).</summary>
public sealed class ImportProblems(RecordErrorPolicy policy)
{
    private readonly List<ImportProblem> _problems = [];

    public IReadOnlyList<ImportProblem> All => _problems;

    public void Report(string location, string message)
    {
        var problem = new ImportProblem(location, message);
        if (policy == RecordErrorPolicy.Fail) throw new ImportException(problem);
        _problems.Add(problem);
    }
}
