using System.Text.RegularExpressions;

namespace VlmForge.Cli.Tests;

/// <summary>Edits of a copy of the repository's vlmforge.toml, for tests that shorten its workflow.</summary>
internal static class TomlEdit
{
    /// <summary>Replaces the first <c>key = ...</c> line (which must exist) with <c>key = value</c>.</summary>
    public static string Set(string toml, string key, string value)
    {
        var pattern = new Regex("^" + Regex.Escape(key) + @"\s*=.*$", RegexOptions.Multiline);
        Assert.Matches(pattern, toml);
        return pattern.Replace(toml, $"{key} = {value}", 1);
    }

    /// <summary>A TOML basic string of <paramref name="path"/>.</summary>
    public static string Quoted(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal) + "\"";
}
