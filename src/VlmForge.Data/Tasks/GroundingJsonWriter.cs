using System.Globalization;
using System.Text;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Tasks;

/// <summary>
/// Writes a grounding answer on one line in the page's layout:
/// <c>{"phrase_grounding": {"sentence": "...", "groundings": [{"phrase": "...", "grounding": [[120,340,580,670]]}]}}</c>.
/// Hand-written instead of System.Text.Json because the exact characters are what the model learns to
/// produce: ", " and ": " between members, no spaces inside a box, non-ASCII text kept as is.
/// </summary>
public static class GroundingJsonWriter
{
    public static string Write(PhraseGrounding grounding)
    {
        ArgumentNullException.ThrowIfNull(grounding);
        var sb = new StringBuilder(64 + grounding.Groundings.Count * 64);
        sb.Append("{\"").Append(GroundingJsonFormat.Root).Append("\": {\"").Append(GroundingJsonFormat.Sentence).Append("\": ");
        AppendString(sb, grounding.Sentence);
        sb.Append(", \"").Append(GroundingJsonFormat.Groundings).Append("\": [");
        for (int i = 0; i < grounding.Groundings.Count; i++)
        {
            GroundedPhrase phrase = grounding.Groundings[i];
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append("{\"").Append(GroundingJsonFormat.Phrase).Append("\": ");
            AppendString(sb, phrase.Phrase);
            sb.Append(", \"").Append(GroundingJsonFormat.Grounding).Append("\": [");
            for (int b = 0; b < phrase.Boxes.Count; b++)
            {
                if (b > 0)
                {
                    sb.Append(',');
                }

                AppendBox(sb, phrase.Boxes[b]);
            }

            sb.Append("]}");
        }

        sb.Append("]}}");
        return sb.ToString();
    }

    /// <summary>Appends a JSON string literal, escaping only what JSON requires.</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(value);
        sb.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void AppendBox(StringBuilder sb, BoundingBox box)
    {
        sb.Append('[');
        AppendNumber(sb, box.X1).Append(',');
        AppendNumber(sb, box.Y1).Append(',');
        AppendNumber(sb, box.X2).Append(',');
        AppendNumber(sb, box.Y2).Append(']');
    }

    private static StringBuilder AppendNumber(StringBuilder sb, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"A box coordinate must be a finite number, not {value}.", nameof(value));
        }

        // Integral coordinates (the model conventions) print without a decimal point.
        return value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? sb.Append(((long)value).ToString(CultureInfo.InvariantCulture))
            : sb.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }
}
