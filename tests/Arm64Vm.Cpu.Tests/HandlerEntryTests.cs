using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// CPU-RUN-7 (specs/a64/README.md): a slot's handler is its wrapper's code, found behind the runtime's entry point,
/// where the host is CoreCLR on x64 and the method is never re-tiered; everywhere else the entry point itself.
/// </summary>
public unsafe class HandlerEntryTests
{
    private static bool Resolves => HandlerEntry.Enabled && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Scramble(long x) => (x * unchecked((long)0x9E3779B97F4A7C15UL)) ^ (x >>> 7);

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Other(long x) => x + 1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Tiered(long x) => x - 3;

    private static MethodInfo Method(string name) =>
        typeof(HandlerEntryTests).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!;

    /// <summary>The generated wrapper of <paramref name="op"/> (<c>A64Rows.&lt;op&gt;</c>), or null.</summary>
    private static MethodInfo? Wrapper(A64Op op) =>
        typeof(A64Rows).GetMethod(op.ToString(), BindingFlags.Static | BindingFlags.Public | BindingFlags.DeclaredOnly);

    [Fact]
    public void CPU_RUN_7_EveryOpHasAWrapperThatIsNeverRetiered()
    {
        int count = 0;
        foreach (A64Op op in Enum.GetValues<A64Op>())
        {
            if (op is A64Op.NotDecoded or A64Op.Unallocated) continue;
            var m = Wrapper(op);
            Assert.True(m != null, $"{op}: no wrapper A64Rows.{op}");
            Assert.True((m.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0, $"{op}: wrapper is tiered");
            count++;
        }
        Assert.Equal(A64Table.OpCount - 2, count);
    }

    [Fact]
    public void CPU_RUN_7_ADecodedSlotCallsItsWrappersCodeNotTheEntryPoint()
    {
        // ADD x1, x1, x2; EOR x3, x3, x1, ROR #13; SUBS x0, x0, #1; LDR x0, [x1, #8]; FADD d0, d1, d2.
        foreach (uint word in new uint[] { 0x8B020021, 0xCAC13463, 0xF1000400, 0xF9400420, 0x1E622820 })
        {
            var d = A64Decoder.Decode(word);
            var m = Wrapper(d.Op)!;
            nint entry = m.MethodHandle.GetFunctionPointer();
            Assert.Equal(A64Dispatch.HandlerOf(d.Op), d.Handler);
            if (Resolves) Assert.NotEqual(entry, d.Handler);
            else Assert.Equal(entry, d.Handler);
        }
    }

    [Fact]
    public void CPU_RUN_7_TheDirectEntryRunsTheSameMethod()
    {
        nint entry = (nint)(delegate*<long, long>)&Scramble;
        nint direct = HandlerEntry.Direct(Method(nameof(Scramble)), entry);
        if (Resolves) Assert.NotEqual(entry, direct);
        else Assert.Equal(entry, direct);
        foreach (long x in new[] { 0L, 1L, -1L, long.MinValue, 0x0123456789ABCDEFL })
            Assert.Equal(((delegate*<long, long>)entry)(x), ((delegate*<long, long>)direct)(x));
        Assert.Equal(Scramble(12345), ((delegate*<long, long>)direct)(12345));
    }

    [Fact]
    public void CPU_RUN_7_ATieredMethodKeepsItsEntryPoint()
    {
        nint entry = (nint)(delegate*<long, long>)&Tiered;
        RuntimeHelpers.PrepareMethod(Method(nameof(Tiered)).MethodHandle);
        Assert.Equal(7, Tiered(10));
        Assert.Equal(entry, HandlerEntry.Direct(Method(nameof(Tiered)), entry));
    }

    [Fact]
    public void CPU_RUN_7_AnEntryPointOfAnotherMethodIsKept()
    {
        nint other = (nint)(delegate*<long, long>)&Other;
        RuntimeHelpers.PrepareMethod(Method(nameof(Other)).MethodHandle);
        Assert.Equal(other, HandlerEntry.Direct(Method(nameof(Scramble)), other));
        Assert.Equal(0, HandlerEntry.Direct(Method(nameof(Scramble)), 0));
    }
}
