using System.CommandLine;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Tracing;

namespace Arm64Vm.Cli;

/// <summary>`arm64vm disasm FILE`: a Capstone listing of every loadable segment of an image.</summary>
public static class DisasmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "ELF64 AArch64 or raw image" };
        var baseAddr = new Option<string?>("--base") { Description = "Address of a raw image's first byte (default 0x40080000)" };
        var cmd = new Command("disasm", "Disassemble an image with Capstone") { file, baseAddr };
        cmd.SetAction(parse =>
        {
            ulong? b = parse.GetValue(baseAddr) is { } s ? ValueParsers.ParseNumber("--base", s) : null;
            var img = ImageLoader.Load(parse.GetValue(file)!, b);
            using var d = new Disassembler();
            var w = Console.Out;
            foreach (var seg in img.Segments)
            {
                w.WriteLine($"; segment at 0x{seg.Address:x}, {seg.Data.Length} bytes");
                for (int i = 0; i + 4 <= seg.Data.Length; i += 4)
                {
                    uint word = BitConverter.ToUInt32(seg.Data, i);
                    ulong addr = seg.Address + (ulong)i;
                    w.WriteLine($"{addr:x16}  {word:x8}  {d.Disassemble(word, addr)}");
                }
            }
            return 0;
        });
        return cmd;
    }
}
