namespace VlmForge.Engine.Pipeline;

/// <summary>What the CPU offers for 16-bit math, read from /proc/cpuinfo on Linux.</summary>
internal static class CpuFeatures
{
    private static readonly Lazy<bool?> NativeBf16 = new(ReadNativeBf16);

    /// <summary>True with avx512_bf16 or amx_bf16, false without, null where it cannot be told (not Linux).</summary>
    public static bool? HasNativeBf16 => NativeBf16.Value;

    /// <summary>True when the flags line of a cpuinfo text lists a native bf16 instruction set.</summary>
    public static bool ListsNativeBf16(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        foreach (var line in cpuinfo.Split('\n'))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
            var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        }
        return false;
    }

    private static bool? ReadNativeBf16()
    {
        const string path = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return null;
        try
        {
            return ListsNativeBf16(File.ReadAllText(path));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
