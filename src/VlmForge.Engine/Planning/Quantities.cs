using System.Globalization;

namespace VlmForge.Engine.Planning;

/// <summary>Sizes and counts as the plan prints them, in the invariant culture.</summary>
internal static class Quantities
{
    /// <summary>Bytes per GiB; GPU memory is sized in these (a "24 GB" card holds 24 GiB).</summary>
    public const double BytesPerGiB = 1024.0 * 1024 * 1024;

    /// <summary>Bytes as GiB.</summary>
    public static double GiB(long bytes) => bytes / BytesPerGiB;

    /// <summary>GiB as bytes.</summary>
    public static long Bytes(double gib) => (long)Math.Round(gib * BytesPerGiB);

    /// <summary>For example "24.25 GiB", or "0.031 GiB" under 1 GiB.</summary>
    public static string FormatGiB(long bytes)
    {
        var gib = GiB(bytes);
        return gib.ToString(Math.Abs(gib) < 1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + " GiB";
    }

    /// <summary>A parameter or token count: "13.02 B", "26.21 M", "4.1 K" or the number itself.</summary>
    public static string Count(double count) => Math.Abs(count) switch
    {
        >= 1e9 => (count / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " B",
        >= 1e6 => (count / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M",
        >= 1e4 => (count / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " K",
        _ => count.ToString("0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>A number in the invariant culture with up to <paramref name="decimals"/> decimals.</summary>
    public static string Number(double value, int decimals = 2) =>
        Math.Round(value, decimals).ToString("0." + new string('#', Math.Max(decimals, 1)), CultureInfo.InvariantCulture);
}
