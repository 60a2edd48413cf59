namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer file of a Hugging Face snapshot that cannot be read: names the file, where in it (a JSON path or a line
/// number) and what was wrong.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string file, string location, string problem, Exception? inner = null)
        : base($"{file}: {location}: {problem}", inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file that was being read.</summary>
    public string File { get; }

    /// <summary>A JSON path (for example <c>$.model.merges[12]</c>) or a line number.</summary>
    public string Location { get; }

    /// <summary>What was wrong, without the file and location.</summary>
    public string Problem { get; }
}
