using System.Text.RegularExpressions;

namespace VlmForge.Cli.Tests;

/// <summary>Edits of a copy of the repository's vlmforge.toml, for tests that shorten its workflow.</summary>
internal static class TomlEdit
{
    /// <summary>Replaces the first <c>key = ...</c> line (which must exist) with <c>key = value</c>.</summary>
    public static string Set(string toml, string key, string value)
    {
        var pattern = KeyLine(key);
        Assert.Matches(pattern, toml);
        return pattern.Replace(toml, $"{key} = {value}", 1);
    }

    /// <summary>Replaces <c>key = ...</c> inside table <c>[table]</c> (the key must be there).</summary>
    public static string Set(string toml, string table, string key, string value)
    {
        var (start, end) = Table(toml, table);
        return toml[..start] + Set(toml[start..end], key, value) + toml[end..];
    }

    /// <summary>Removes the <c>key = ...</c> line inside table <c>[table]</c> (the key must be there): the key takes its default.</summary>
    public static string Remove(string toml, string table, string key)
    {
        var (start, end) = Table(toml, table);
        var section = toml[start..end];
        var pattern = new Regex("^" + Regex.Escape(key) + @"\s*=.*\n", RegexOptions.Multiline);
        Assert.Matches(pattern, section);
        return toml[..start] + pattern.Replace(section, "", 1) + toml[end..];
    }

    /// <summary>A TOML basic string of <paramref name="path"/>.</summary>
    public static string Quoted(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal) + "\"";

    private static Regex KeyLine(string key) => new("^" + Regex.Escape(key) + @"\s*=.*$", RegexOptions.Multiline);

    /// <summary>Where the body of <c>[table]</c> starts and ends (the next table header or the end of the file).</summary>
    private static (int Start, int End) Table(string toml, string table)
    {
        var header = new Regex(@"^\[" + Regex.Escape(table) + @"\]\s*$", RegexOptions.Multiline).Match(toml);
        Assert.True(header.Success, $"[{table}] is not in the file");
        int start = header.Index + header.Length;
        var next = new Regex(@"^\[", RegexOptions.Multiline).Match(toml, start);
        return (start, next.Success ? next.Index : toml.Length);
    }
}
