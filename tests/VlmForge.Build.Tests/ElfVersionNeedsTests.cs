namespace VlmForge.Build.Tests;

public class ElfVersionNeedsTests
{
    [Fact]
    public void Marks_only_the_named_version_need_weak()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.30", 0), ("GLIBCXX_3.4.32", 0), ("CXXABI_1.3", 0));
        var before = (byte[])elf.Clone();

        var outcome = ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32");

        Assert.Equal(ElfPatchOutcome.Patched, outcome);
        Assert.Equal(ElfVersionNeeds.VerFlagWeak, BitConverter.ToUInt16(elf, SyntheticElf.FlagsOffset(elf, 1)));
        var changed = Enumerable.Range(0, elf.Length).Where(i => elf[i] != before[i]).ToArray();
        Assert.Equal([SyntheticElf.FlagsOffset(elf, 1)], changed);
    }

    [Fact]
    public void Second_run_changes_nothing()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.32", 0));
        ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32");
        var once = (byte[])elf.Clone();

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32"));
        Assert.Equal(once, elf);
    }

    [Fact]
    public void Keeps_other_flags_when_marking_weak()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.32", 0x1));
        ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32");
        Assert.Equal(0x3, BitConverter.ToUInt16(elf, SyntheticElf.FlagsOffset(elf, 0)));
    }

    [Fact]
    public void A_file_without_that_need_is_left_alone()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.30", 0));
        var before = (byte[])elf.Clone();
        Assert.Equal(ElfPatchOutcome.NotNeeded, ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32"));
        Assert.Equal(before, elf);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_elf()
    {
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(new byte[100], "GLIBCXX_3.4.32"));
        Assert.Contains("ELF magic", e.Message);
    }

    [Fact]
    public void Rejects_32_bit_and_big_endian_files()
    {
        var elf32 = SyntheticElf.Build(("GLIBCXX_3.4.32", 0));
        elf32[4] = 1;
        Assert.Contains("64-bit", Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(elf32, "x")).Message);

        var bigEndian = SyntheticElf.Build(("GLIBCXX_3.4.32", 0));
        bigEndian[5] = 2;
        Assert.Contains("little-endian", Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(bigEndian, "x")).Message);
    }

    [Fact]
    public void Rejects_a_truncated_file_with_the_part_that_is_missing()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.32", 0));
        var truncated = elf[..(elf.Length - 10)];
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(truncated, "GLIBCXX_3.4.32"));
        Assert.Contains("section header table", e.Message);
    }

    [Fact]
    public void Rejects_a_file_without_version_needs()
    {
        var elf = SyntheticElf.Build(("GLIBCXX_3.4.32", 0));
        int shoff = (int)BitConverter.ToUInt64(elf, 0x28);
        BitConverter.GetBytes((uint)3).CopyTo(elf, shoff + 2 * SyntheticElf.SectionHeaderSize + 4); // retype as STRTAB
        Assert.Contains(".gnu.version_r", Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(elf, "x")).Message);
    }
}
