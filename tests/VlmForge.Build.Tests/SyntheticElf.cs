using System.Text;

namespace VlmForge.Build.Tests;

/// <summary>Builds minimal ELF64 little-endian files with a .dynstr and a .gnu.version_r section.</summary>
internal static class SyntheticElf
{
    public const int HeaderSize = 64;
    public const int SectionHeaderSize = 64;

    /// <summary>One Verneed (libstdc++.so.6) whose Vernaux entries carry <paramref name="versions"/> with the given flags.</summary>
    public static byte[] Build(params (string Name, ushort Flags)[] versions)
    {
        var strings = new MemoryStream();
        strings.WriteByte(0);
        int fileName = AddString(strings, "libstdc++.so.6");
        var nameOffsets = versions.Select(v => AddString(strings, v.Name)).ToArray();
        byte[] dynstr = strings.ToArray();

        var verneed = new MemoryStream();
        var w = new BinaryWriter(verneed);
        w.Write((ushort)1);                    // vn_version
        w.Write((ushort)versions.Length);      // vn_cnt
        w.Write((uint)fileName);               // vn_file
        w.Write((uint)16);                     // vn_aux: Vernaux entries follow the 16-byte Verneed
        w.Write((uint)0);                      // vn_next: last Verneed
        for (int i = 0; i < versions.Length; i++)
        {
            w.Write((uint)0x0297f8b0);         // vna_hash (not checked)
            w.Write(versions[i].Flags);        // vna_flags
            w.Write((ushort)(i + 2));          // vna_other
            w.Write((uint)nameOffsets[i]);     // vna_name
            w.Write((uint)(i == versions.Length - 1 ? 0 : 16)); // vna_next
        }
        byte[] versionR = verneed.ToArray();

        int dynstrOffset = HeaderSize;
        int versionROffset = dynstrOffset + dynstr.Length;
        int sectionHeaders = versionROffset + versionR.Length;
        var file = new MemoryStream();
        var f = new BinaryWriter(file);
        f.Write(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 });
        f.Write(new byte[8]);
        f.Write((ushort)3);       // e_type: ET_DYN
        f.Write((ushort)0x3e);    // e_machine: x86-64
        f.Write((uint)1);         // e_version
        f.Write((ulong)0);        // e_entry
        f.Write((ulong)0);        // e_phoff
        f.Write((ulong)sectionHeaders); // e_shoff
        f.Write((uint)0);         // e_flags
        f.Write((ushort)HeaderSize);
        f.Write((ushort)56);      // e_phentsize
        f.Write((ushort)0);       // e_phnum
        f.Write((ushort)SectionHeaderSize);
        f.Write((ushort)3);       // e_shnum: null, .dynstr, .gnu.version_r
        f.Write((ushort)0);       // e_shstrndx
        f.Write(dynstr);
        f.Write(versionR);
        WriteSection(f, type: 0, offset: 0, size: 0, link: 0, info: 0);
        WriteSection(f, type: 3, offset: dynstrOffset, size: dynstr.Length, link: 0, info: 0);                // SHT_STRTAB
        WriteSection(f, type: 0x6ffffffe, offset: versionROffset, size: versionR.Length, link: 1, info: 1);  // SHT_GNU_verneed
        return file.ToArray();
    }

    /// <summary>Offset of the vna_flags field of Vernaux entry <paramref name="index"/> in a file from <see cref="Build"/>.</summary>
    public static int FlagsOffset(byte[] elf, int index)
    {
        int dynstrSize = (int)BitConverter.ToUInt64(elf, (int)BitConverter.ToUInt64(elf, 0x28) + SectionHeaderSize + 0x20);
        return HeaderSize + dynstrSize + 16 + index * 16 + 4;
    }

    private static int AddString(MemoryStream table, string s)
    {
        int offset = (int)table.Length;
        var bytes = Encoding.ASCII.GetBytes(s);
        table.Write(bytes);
        table.WriteByte(0);
        return offset;
    }

    private static void WriteSection(BinaryWriter f, uint type, long offset, long size, uint link, uint info)
    {
        f.Write((uint)0); f.Write(type); f.Write((ulong)0); f.Write((ulong)0);
        f.Write((ulong)offset); f.Write((ulong)size); f.Write(link); f.Write(info);
        f.Write((ulong)1); f.Write((ulong)0);
    }
}
