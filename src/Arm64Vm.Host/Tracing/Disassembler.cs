using Gee.External.Capstone.Arm64;

namespace Arm64Vm.Host.Tracing;

/// <summary>Capstone-based A64 disassembly for traces and listings (Gee.External.Capstone).</summary>
public sealed class Disassembler : IDisposable
{
    private readonly CapstoneArm64Disassembler _capstone =
        Gee.External.Capstone.CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
    private readonly Dictionary<uint, string> _cache = new();
    private readonly byte[] _word = new byte[4];

    /// <summary>Text of one instruction word, or ".inst 0x…" when Capstone does not know it.</summary>
    public string Disassemble(uint word, ulong address)
    {
        // PC-relative operands depend on the address, so cache only by word for address-independent forms.
        bool pcRelative = IsPcRelative(word);
        if (!pcRelative && _cache.TryGetValue(word, out var cached)) return cached;
        BitConverter.TryWriteBytes(_word, word);
        var ins = _capstone.Disassemble(_word, (long)address);
        string text = ins.Length == 0 ? $".inst 0x{word:x8}" : (ins[0].Mnemonic + " " + ins[0].Operand).TrimEnd();
        if (!pcRelative) _cache[word] = text;
        return text;
    }

    /// <summary>True when Capstone decodes the word as some instruction.</summary>
    public bool IsValid(uint word)
    {
        BitConverter.TryWriteBytes(_word, word);
        return _capstone.Disassemble(_word, 0).Length != 0;
    }

    private static bool IsPcRelative(uint w) =>
        (w & 0x1F00_0000) == 0x1000_0000 ||   // ADR/ADRP
        (w & 0x7C00_0000) == 0x1400_0000 ||   // B/BL
        (w & 0x7E00_0000) == 0x3400_0000 ||   // CBZ/CBNZ
        (w & 0x7E00_0000) == 0x3600_0000 ||   // TBZ/TBNZ
        (w & 0xFE00_0000) == 0x5400_0000 ||   // B.cond
        (w & 0x3B00_0000) == 0x1800_0000;     // LDR (literal)

    public void Dispose() => _capstone.Dispose();
}
