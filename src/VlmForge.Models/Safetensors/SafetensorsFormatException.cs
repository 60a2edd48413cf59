namespace VlmForge.Models.Safetensors;

/// <summary>A safetensors file (or sharded index) that is malformed or does not match what was asked of it.</summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception; the message starts with the file and, when known, the tensor.</summary>
    public SafetensorsFormatException(string file, string? tensorName, string problem, Exception? inner = null)
        : base(Describe(file, tensorName, problem), inner)
    {
        File = file;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file that is wrong.</summary>
    public string File { get; }

    /// <summary>The tensor the problem is about, if any.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Describe(string file, string? tensorName, string problem) =>
        tensorName is null ? $"{file}: {problem}" : $"{file}: tensor '{tensorName}': {problem}";
}
