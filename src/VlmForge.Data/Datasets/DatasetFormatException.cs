namespace VlmForge.Data.Datasets;

/// <summary>A dataset problem met while dataset.on_error = "fail" (or an image that cannot be decoded later).</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(DatasetProblem problem)
        : base(problem?.ToString())
    {
        Problem = problem ?? throw new ArgumentNullException(nameof(problem));
    }

    public DatasetFormatException(DatasetProblem problem, Exception inner)
        : base(problem?.ToString(), inner)
    {
        Problem = problem ?? throw new ArgumentNullException(nameof(problem));
    }

    public DatasetProblem Problem { get; }
}
