using System.Text;
using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Tracing;

/// <summary>
/// Writes one line per executed instruction: CPU, PC, encoding, Capstone disassembly and the registers it changed
/// (X0-X30, SP, NZCV, EL). Deterministic: the same run gives the same trace.
/// </summary>
public sealed class InstructionTracer : IDisposable
{
    private readonly TextWriter _out;
    private readonly Disassembler _disasm = new();
    private readonly ulong[] _before = new ulong[34];
    private ulong _pc;
    private uint _word;
    private bool _haveWord;
    private readonly StringBuilder _line = new();

    private readonly Func<CpuCore, ulong, uint?>? _peek;

    /// <param name="peek">How to read the instruction word at a PC when the PE's own translation cannot (e.g. the VMM
    /// resolving the stage-1 output through its memslots before stage 2 maps the page); null = the PE's view only.</param>
    public InstructionTracer(TextWriter output, Func<CpuCore, ulong, uint?>? peek = null)
    {
        _out = output;
        _peek = peek;
    }

    public long Lines { get; private set; }

    public void Before(CpuCore cpu)
    {
        for (int i = 0; i < 31; i++) _before[i] = cpu.X(i);
        _before[31] = cpu.Sp;
        _before[32] = cpu.Nzcv;
        _before[33] = (ulong)cpu.El;
        _pc = cpu.Pc;
        _haveWord = cpu.TryPeekInstruction(_pc, out _word);
        if (!_haveWord && _peek?.Invoke(cpu, _pc) is uint w)
        {
            _word = w;
            _haveWord = true;
        }
    }

    public void After(CpuCore cpu)
    {
        _line.Clear();
        _line.Append(cpu.Index).Append(' ').Append(_pc.ToString("x16")).Append(' ');
        if (_haveWord)
            _line.Append(_word.ToString("x8")).Append("  ").Append(_disasm.Disassemble(_word, _pc).PadRight(32));
        else
            _line.Append("????????  <fetch fault>".PadRight(42));
        bool first = true;
        for (int i = 0; i < 31; i++)
            if (cpu.X(i) != _before[i]) Change(ref first, $"x{i}={cpu.X(i):x}");
        if (cpu.Sp != _before[31]) Change(ref first, $"sp={cpu.Sp:x}");
        if (cpu.Nzcv != _before[32]) Change(ref first, $"nzcv={cpu.Nzcv >> 28:x}");
        if ((ulong)cpu.El != _before[33]) Change(ref first, $"el={cpu.El}");
        if (cpu.Pc != _pc + 4) Change(ref first, $"-> {cpu.Pc:x}");
        _out.WriteLine(_line.ToString().TrimEnd());
        Lines++;
    }

    private void Change(ref bool first, string text)
    {
        _line.Append(first ? " ; " : " ").Append(text);
        first = false;
    }

    public void Dispose()
    {
        _out.Flush();
        _disasm.Dispose();
    }
}
