using Arm64Vm.Host.Tests.Kvm;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>Builds small A64 test guests with forward labels (CBZ/CBNZ/B), on top of the host tests' encoder.</summary>
internal sealed class TinyAssembler
{
    public const ulong Load = 0x4008_0000;
    public const ulong Uart = 0x0900_0000;
    private readonly List<uint> _words = new();
    private readonly Dictionary<string, int> _labels = new();
    private readonly List<(int At, string Label, Func<int, uint> Encode)> _fixups = new();

    public int Here => _words.Count;
    public ulong AddressOf(string label) => Load + (ulong)_labels[label] * 4;
    public ulong AddressHere => Load + (ulong)_words.Count * 4;

    public TinyAssembler Emit(params uint[] words) { _words.AddRange(words); return this; }
    public TinyAssembler Label(string name) { _labels[name] = _words.Count; return this; }

    /// <summary>CBZ/CBNZ Xt, label (imm19 word offset).</summary>
    public TinyAssembler Cbz(int rt, string label, bool nonZero = false)
    {
        _fixups.Add((_words.Count, label, off => (nonZero ? 0xB5000000u : 0xB4000000u) | (((uint)off & 0x7FFFF) << 5) | (uint)rt));
        _words.Add(0);
        return this;
    }

    public TinyAssembler B(string label)
    {
        _fixups.Add((_words.Count, label, off => A64.B(off)));
        _words.Add(0);
        return this;
    }

    /// <summary>X(rd) = the address of a label (MOVZ + 3 MOVK, resolved at build).</summary>
    public TinyAssembler Adr(int rd, string label)
    {
        _addresses.Add((_words.Count, rd, label));
        _words.AddRange(new uint[4]);
        return this;
    }

    private readonly List<(int At, int Rd, string Label)> _addresses = new();

    /// <summary>Prints text on the PL011 (X7, X8 clobbered).</summary>
    public TinyAssembler Print(string text)
    {
        Emit(A64.Mov(7, Uart));
        foreach (char c in text) Emit(A64.Movz(8, c), A64.StrB(8, 7));
        return this;
    }

    public TinyAssembler SystemOff() => Emit(A64.SystemOff());
    public TinyAssembler SystemReset() => Emit(A64.SystemReset());

    public uint[] Words()
    {
        var w = _words.ToArray();
        foreach (var (at, label, encode) in _fixups) w[at] = encode(_labels[label] - at);
        foreach (var (at, rd, label) in _addresses)
        {
            var mov = A64.Mov(rd, AddressOf(label));
            Array.Copy(mov, 0, w, at, 4);
        }
        return w;
    }

    public byte[] Bytes() => A64.Bytes(Words());
}
