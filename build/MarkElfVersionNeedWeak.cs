// Compiled by MSBuild's RoslynCodeTaskFactory (see LibTorchFixup.targets). Kept as a plain C# file so
// that tests can compile and exercise the same parser against synthetic ELF files.
using System;
using System.IO;
using System.Text;
#if !ELF_PARSER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one Vernaux entry (by version name) of ELF64 little-endian shared objects.
/// Walks the section headers to .gnu.version_r, follows the Verneed/Vernaux chains and reads names
/// from the string table the section links to (.dynstr).
/// </summary>
public class MarkElfVersionNeedWeak : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var bytes = File.ReadAllBytes(path);
                var outcome = ElfVersionNeeds.MarkWeak(bytes, VersionName);
                switch (outcome)
                {
                    case ElfPatchOutcome.Patched:
                        ReplaceFile(path, bytes);
                        Log.LogMessage(MessageImportance.Normal, $"{path}: version need {VersionName} marked weak.");
                        break;
                    case ElfPatchOutcome.AlreadyWeak:
                        Log.LogMessage(MessageImportance.Low, $"{path}: version need {VersionName} already weak.");
                        break;
                    case ElfPatchOutcome.NotNeeded:
                        Log.LogMessage(MessageImportance.Low, $"{path}: no need for {VersionName}; nothing to fix.");
                        break;
                }
            }
            catch (ElfFormatException e)
            {
                Log.LogError(null, "VLMB0001", null, path, 0, 0, 0, 0,
                    $"libLibTorchSharp.so is not as expected ({e.Message}). TorchSharp may fail to load on this system; " +
                    "build with -p:VlmForgeFixLibTorch=false to skip this fix, or check the TorchSharp package version.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    // Write a new file beside the target, then rename it over the target: a hard link into the NuGet
    // cache is replaced, never written through. (Compiled against netstandard: no File.Move overwrite.)
    private static void ReplaceFile(string path, byte[] bytes)
    {
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var temp = path + ".vlmforge-tmp";
        File.Copy(path, temp, overwrite: true); // a fresh inode that keeps the file mode
        File.WriteAllBytes(temp, bytes);
        // Keep the source's timestamp so incremental builds see an unchanged file and do not copy it again.
        File.SetLastWriteTimeUtc(temp, lastWrite);
        File.Replace(temp, path, null);
    }
}
#endif

public enum ElfPatchOutcome { Patched, AlreadyWeak, NotNeeded }

public sealed class ElfFormatException : Exception
{
    public ElfFormatException(string message) : base(message) { }
}

public static class ElfVersionNeeds
{
    public const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Marks the named version need weak in <paramref name="elf"/> (in memory).</summary>
    public static ElfPatchOutcome MarkWeak(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new ElfFormatException("no ELF magic");
        if (elf[4] != 2) throw new ElfFormatException("not a 64-bit ELF file");
        if (elf[5] != 1) throw new ElfFormatException("not a little-endian ELF file");

        ulong sectionHeaderOffset = U64(elf, 0x28);
        int sectionHeaderSize = U16(elf, 0x3A);
        int sectionCount = U16(elf, 0x3C);
        if (sectionHeaderOffset == 0 || sectionCount == 0) throw new ElfFormatException("no section headers");
        if (sectionHeaderSize < 64) throw new ElfFormatException($"section header size {sectionHeaderSize} is below 64");
        Need(elf, sectionHeaderOffset, (ulong)sectionHeaderSize * (ulong)sectionCount, "section header table");

        bool sawVerneed = false;
        for (int i = 0; i < sectionCount; i++)
        {
            long header = (long)sectionHeaderOffset + (long)i * sectionHeaderSize;
            if (U32(elf, header + 4) != ShtGnuVerneed) continue;
            sawVerneed = true;

            ulong offset = U64(elf, header + 0x18);
            ulong size = U64(elf, header + 0x20);
            int link = (int)U32(elf, header + 0x28);
            uint needCount = U32(elf, header + 0x2C);
            Need(elf, offset, size, ".gnu.version_r");
            if (link <= 0 || link >= sectionCount) throw new ElfFormatException($".gnu.version_r links to section {link}");
            long stringsHeader = (long)sectionHeaderOffset + (long)link * sectionHeaderSize;
            ulong stringsOffset = U64(elf, stringsHeader + 0x18);
            ulong stringsSize = U64(elf, stringsHeader + 0x20);
            Need(elf, stringsOffset, stringsSize, "version string table");

            long need = (long)offset;
            for (uint n = 0; n < needCount; n++)
            {
                Need(elf, (ulong)need, 16, "Verneed entry");
                int auxCount = U16(elf, need + 2);
                long aux = need + U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    Need(elf, (ulong)aux, 16, "Vernaux entry");
                    var name = ReadName(elf, stringsOffset, stringsSize, U32(elf, aux + 8));
                    if (name == versionName)
                    {
                        int flags = U16(elf, aux + 4);
                        if ((flags & VerFlagWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
                        flags |= VerFlagWeak;
                        elf[aux + 4] = (byte)(flags & 0xff);
                        elf[aux + 5] = (byte)(flags >> 8);
                        return ElfPatchOutcome.Patched;
                    }
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint nextNeed = U32(elf, need + 12);
                if (nextNeed == 0) break;
                need += nextNeed;
            }
        }
        if (!sawVerneed) throw new ElfFormatException("no .gnu.version_r section");
        return ElfPatchOutcome.NotNeeded;
    }

    private static string ReadName(byte[] elf, ulong tableOffset, ulong tableSize, uint index)
    {
        if (index >= tableSize) throw new ElfFormatException($"string index {index} past the string table");
        long start = (long)tableOffset + index;
        long end = start;
        long limit = (long)(tableOffset + tableSize);
        while (end < limit && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }

    private static void Need(byte[] elf, ulong offset, ulong length, string what)
    {
        if (offset > (ulong)elf.Length || length > (ulong)elf.Length - offset)
            throw new ElfFormatException($"{what} at {offset} (+{length}) runs past the end of the file ({elf.Length} bytes)");
    }

    private static int U16(byte[] b, long o) { Need(b, (ulong)o, 2, "field"); return b[o] | (b[o + 1] << 8); }
    private static uint U32(byte[] b, long o) { Need(b, (ulong)o, 4, "field"); return BitConverter.ToUInt32(b, (int)o); }
    private static ulong U64(byte[] b, long o) { Need(b, (ulong)o, 8, "field"); return BitConverter.ToUInt64(b, (int)o); }
}
