using System.Text;

namespace VlmForge.Engine.Planning.Output;

/// <summary>Rows of cells printed in aligned columns; columns named in <c>rightAligned</c> are numbers, aligned right.</summary>
internal sealed class TextTable(params int[] rightAligned)
{
    private readonly List<string[]> rows = [];

    public void Add(params string[] cells) => rows.Add(cells);

    public void WriteTo(StringBuilder text, string indent)
    {
        if (rows.Count == 0)
            return;
        int columns = rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder(indent);
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0)
                    line.Append("  ");
                bool last = i == row.Length - 1;
                line.Append(rightAligned.Contains(i) ? row[i].PadLeft(widths[i]) : last ? row[i] : row[i].PadRight(widths[i]));
            }
            text.AppendLine(line.ToString().TrimEnd());
        }
    }
}
