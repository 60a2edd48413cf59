using System.Text;

namespace VlmForge.Models.Safetensors;

/// <summary>Orders strings by their UTF-8 bytes, as Rust's <c>str::cmp</c> does (UTF-16 ordinal order differs above U+D7FF).</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static Utf8Order Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
