using System.Globalization;
using System.Text;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// Writes the header exactly as the Rust crate's serde_json does: compact, keys in the given order, strings escaping
/// only '"', '\' and control characters (lower-case \u00xx), everything else raw UTF-8. System.Text.Json escapes more
/// (non-ASCII, '+', '&lt;'), which would change the bytes, so this small writer exists for byte-identical output.
/// </summary>
internal static class HeaderJson
{
    public static byte[] Serialize(IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<TensorEntry> entries)
    {
        var text = new StringBuilder();
        text.Append('{');
        var first = true;
        if (metadata.Count > 0)
        {
            String(text, SafetensorsHeader.MetadataKey);
            text.Append(":{");
            for (var i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }
                String(text, metadata[i].Key);
                text.Append(':');
                String(text, metadata[i].Value);
            }
            text.Append('}');
            first = false;
        }
        foreach (var entry in entries)
        {
            if (!first)
            {
                text.Append(',');
            }
            first = false;
            String(text, entry.Name);
            text.Append(":{\"dtype\":");
            String(text, entry.Dtype.ToString());
            text.Append(",\"shape\":[");
            text.AppendJoin(',', entry.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            text.Append("],\"data_offsets\":[");
            text.Append(entry.Begin.ToString(CultureInfo.InvariantCulture)).Append(',').Append(entry.End.ToString(CultureInfo.InvariantCulture));
            text.Append("]}");
        }
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void String(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }
}
