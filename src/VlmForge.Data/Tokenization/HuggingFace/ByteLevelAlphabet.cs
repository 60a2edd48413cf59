using System.Text;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's byte-level alphabet (<c>bytes_to_unicode</c>): every byte is written as one printable character, so a
/// byte-level BPE vocabulary is plain text ("Ġ" is the space byte, "Ċ" the newline). Decoding maps the characters of
/// a token back to its bytes.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildCharOfByte();
    private static readonly Dictionary<char, byte> ByteOfChar = BuildByteOfChar();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char Encode(byte value) => CharOfByte[value];

    /// <summary>The text's UTF-8 bytes, each written as its alphabet character.</summary>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[i] = CharOfByte[bytes[i]];
        }

        return new string(chars);
    }

    /// <summary>Appends the bytes <paramref name="token"/> stands for; false (nothing appended) when a character is not in the alphabet.</summary>
    public static bool TryDecode(string token, List<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(bytes);
        int start = bytes.Count;
        foreach (char c in token)
        {
            if (!ByteOfChar.TryGetValue(c, out byte value))
            {
                bytes.RemoveRange(start, bytes.Count - start);
                return false;
            }

            bytes.Add(value);
        }

        return true;
    }

    // Printable Latin-1 bytes keep their own character; the other 68 bytes (controls, space, NBSP, soft hyphen) are
    // shifted to U+0100 and up, in byte order. This is the table every GPT-2-style vocabulary is written in.
    private static char[] BuildCharOfByte()
    {
        var map = new char[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + shifted++);
        }

        return map;
    }

    private static Dictionary<char, byte> BuildByteOfChar()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++)
        {
            map[CharOfByte[b]] = (byte)b;
        }

        return map;
    }
}
