using System.Text;

namespace VlmForge.Settings.Generator.Emitting;

/// <summary>An indenting text writer with "\n" line ends, so generated files are the same bytes on every OS.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Writes an XML doc element, one <c>///</c> line per text line, with XML characters escaped.</summary>
    public CodeWriter Doc(string element, string text, bool escape = true)
    {
        if (text.Length == 0) return this;
        Line($"/// <{element}>");
        foreach (var line in text.Split('\n'))
            Line(line.Length == 0 ? "///" : "/// " + (escape ? Escape(line) : line));
        return Line($"/// </{element}>");
    }

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public override string ToString() => _text.ToString();
}
