using System.Buffers.Binary;
using System.Text;

namespace Arm64Vm.Host.Tests.Gdb;

/// <summary>The symbol table of a committed guest ELF (labels such as nc_read), for addresses the tests use.</summary>
internal static class ElfSymbols
{
    public static ulong Address(string elfPath, string name)
    {
        var f = File.ReadAllBytes(elfPath);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(0x3C));
        Span<byte> Section(int i) => f.AsSpan((int)shoff + i * shentsize, shentsize);
        for (int i = 0; i < shnum; i++)
        {
            var sh = Section(i);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != 2) continue;      // SHT_SYMTAB
            ulong off = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(sh[0x20..]);
            var strtab = Section((int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]));
            ulong stroff = BinaryPrimitives.ReadUInt64LittleEndian(strtab[0x18..]);
            for (ulong s = off; s < off + size; s += 24)
            {
                int nameOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan((int)s));
                int start = (int)stroff + nameOff, end = Array.IndexOf(f, (byte)0, start);
                if (Encoding.ASCII.GetString(f, start, end - start) == name)
                    return BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan((int)s + 8));
            }
        }
        throw new InvalidOperationException($"{name} is not a symbol of {elfPath}");
    }
}
