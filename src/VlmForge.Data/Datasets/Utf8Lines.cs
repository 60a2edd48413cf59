using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace VlmForge.Data.Datasets;

/// <summary>Why a line could not be turned into text: the column (in bytes, 1-based) and what was found there.</summary>
internal readonly record struct LineEncodingError(int Column, string Message);

/// <summary>
/// The lines of a file as strict UTF-8: a line with bytes that are not UTF-8 comes back as an error at its line and
/// byte column instead of being silently replaced with U+FFFD, and a line too long to be a record is an error instead
/// of a memory exhaustion. A UTF-8 byte-order mark and a CR before the LF are dropped.
/// </summary>
internal static class Utf8Lines
{
    /// <summary>Longest line read (a record with its answers is a few kilobytes; this is far beyond any real one).</summary>
    public const int MaxLineBytes = 64 << 20;

    public static IEnumerable<(int Line, string? Text, LineEncodingError? Error)> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var line = new ArrayBufferWriter<byte>(256);
        var chunk = new byte[1 << 16];
        int lineNumber = 1;
        bool tooLong = false, first = true;
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int newline = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                int end = newline < 0 ? read : newline;
                if (!tooLong)
                {
                    if (line.WrittenCount + (end - start) > MaxLineBytes) tooLong = true;
                    else line.Write(chunk.AsSpan(start, end - start));
                }
                if (newline < 0) break;
                yield return Decode(line.WrittenSpan, lineNumber, tooLong, first);
                first = false;
                line.ResetWrittenCount();
                tooLong = false;
                lineNumber++;
                start = newline + 1;
            }
        }
        if (line.WrittenCount > 0 || tooLong) yield return Decode(line.WrittenSpan, lineNumber, tooLong, first);
    }

    private static (int, string?, LineEncodingError?) Decode(ReadOnlySpan<byte> bytes, int lineNumber, bool tooLong, bool first)
    {
        if (tooLong)
            return (lineNumber, null, new LineEncodingError(1, string.Create(CultureInfo.InvariantCulture, $"the line is longer than {MaxLineBytes / (1 << 20)} MiB")));
        if (first && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out int bytesRead, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return (lineNumber, new string(chars, 0, written), null);
        return (lineNumber, null, new LineEncodingError(bytesRead + 1,
            string.Create(CultureInfo.InvariantCulture, $"byte 0x{bytes[bytesRead]:X2} at byte {bytesRead + 1} is not UTF-8")));
    }
}
