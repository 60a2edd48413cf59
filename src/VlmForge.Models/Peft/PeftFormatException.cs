namespace VlmForge.Models.Peft;

/// <summary>An adapter folder that cannot be used: names the file and what was wrong.</summary>
public sealed class PeftFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PeftFormatException(string file, string problem, Exception? inner = null) : base($"{file}: {problem}", inner)
    {
        File = file;
    }

    /// <summary>The file that was being read.</summary>
    public string File { get; }
}
