using Arm64Vm.Host.Tests.Kvm;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>The tiny guests the scenario tests run (raw images at 0x4008_0000, MMU off).</summary>
internal static class TestGuests
{
    public const ulong BootCounter = 0x4100_0000;

    /// <summary>
    /// The reboot story in miniature. Boot 1 (counter at 0x4100_0000 is 0): set the counter, overwrite the word
    /// 'data' of its own image with 0x2222 (MMU off: straight to memory), print "1", SYSTEM_RESET. Boot 2: print "R"
    /// when 'data' holds the image's 0x1111 again (restored), "S" when it still holds 0x2222 (stale), then SYSTEM_OFF.
    /// </summary>
    public static byte[] Reboot()
    {
        var a = new TinyAssembler();
        a.Emit(A64.Mov(1, BootCounter)).Emit(A64.LdrX(2, 1)).Cbz(2, "second", nonZero: true)
         .Emit(A64.Movz(2, 1), A64.StrX(2, 1))
         .Adr(3, "data").Emit(A64.Movz(4, 0x2222), A64.StrW(4, 3))
         .Print("1\n").SystemReset()
         .Label("second")
         .Adr(3, "data").Emit(A64.LdrW(4, 3), A64.Movz(5, 0x1111), Sub(6, 4, 5)).Cbz(6, "restored")
         .Print("2 S\n").SystemOff()
         .Label("restored").Print("2 R\n").SystemOff()
         .Label("data").Emit(0x1111);
        return a.Bytes();
    }

    /// <summary>Prints "hi", then spins forever (for instruction limits and idle/off mismatches).</summary>
    public static byte[] HelloSpin()
    {
        var a = new TinyAssembler();
        a.Print("hi\n").Label("spin").B("spin");
        return a.Bytes();
    }

    /// <summary>Prints "off" and powers off.</summary>
    public static byte[] HelloOff() => new TinyAssembler().Print("off\n").SystemOff().Bytes();

    /// <summary>
    /// Touches X1 pages from 0x4100_0000 (one store per page, value X2+page), then SYSTEM_RESET on the first boot or
    /// SYSTEM_OFF on the second (X1 and X2 come from set-registers; the boot counter lives at 0x40FF_F000).
    /// </summary>
    public static byte[] TouchPages()
    {
        var b = new TinyAssembler();
        b.Emit(A64.Mov(9, 0x4100_0000)).Emit(A64.Mov(10, 0x40FF_F000)).Emit(A64.LdrX(11, 10))
         .Label("loop").Cbz(1, "done")
         .Emit(A64.StrX(2, 9), A64.AddImm(2, 2, 1), SubImm(1, 1, 1), AddImmShifted(9, 9, 1))
         .B("loop")
         .Label("done").Cbz(11, "first").SystemOff()
         .Label("first").Emit(A64.Movz(11, 1), A64.StrX(11, 10)).SystemReset();
        return b.Bytes();
    }

    /// <summary>
    /// Writes forever: page (i mod X1) from 0x4010_0000 gets the 64-bit counter i (migration test).
    /// </summary>
    public static byte[] Writer()
    {
        var b = new TinyAssembler();
        b.Emit(A64.Movz(2, 0)).Label("outer").Emit(A64.Mov(9, 0x4010_0000)).Emit(A64.AddImm(3, 1, 0))
         .Label("loop").Cbz(3, "outer")
         .Emit(A64.StrX(2, 9), A64.AddImm(2, 2, 1), SubImm(3, 3, 1), AddImmShifted(9, 9, 1))
         .B("loop");
        return b.Bytes();
    }

    /// <summary>SUB Xd, Xn, Xm (shifted register, no shift).</summary>
    public static uint Sub(int rd, int rn, int rm) => 0xCB000000u | ((uint)rm << 16) | ((uint)rn << 5) | (uint)rd;
    public static uint SubImm(int rd, int rn, uint imm) => 0xD1000000u | (imm << 10) | ((uint)rn << 5) | (uint)rd;
    /// <summary>ADD Xd, Xn, #imm, LSL #12.</summary>
    public static uint AddImmShifted(int rd, int rn, uint imm) => 0x91400000u | (imm << 10) | ((uint)rn << 5) | (uint)rd;
}
