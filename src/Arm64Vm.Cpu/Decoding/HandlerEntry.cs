using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Cpu.Decoding;

/// <summary>
/// CPU-RUN-7: the native code of a handler, so that a slot's indirect call lands in it rather than in the entry point
/// the runtime hands out. On CoreCLR x64 that entry point is a fixup precode — <c>jmp [rip+target]</c>,
/// <c>mov r10, [rip+method]</c>, <c>jmp [rip+fixup]</c> — one more taken jump per instruction executed (about a fifth
/// of a register-only loop's time on this project's benchmark host). A method compiled with
/// <see cref="MethodImplOptions.AggressiveOptimization"/> is never re-tiered, so once it is compiled the precode's
/// target is its code for good. Anything else — another architecture or runtime, a tiered method, a precode of
/// another shape or of another method — keeps the entry point, which calls the same code. <c>ARM64VM_DIRECT_HANDLERS=0</c>
/// turns it off.
/// </summary>
internal static unsafe class HandlerEntry
{
    /// <summary>False when the environment sets <c>ARM64VM_DIRECT_HANDLERS=0</c>.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("ARM64VM_DIRECT_HANDLERS") != "0";

    /// <summary>
    /// The code behind <paramref name="entry"/>, the entry point of the static method <paramref name="name"/> of
    /// <paramref name="owner"/>, compiling it first; <paramref name="entry"/> itself when that cannot be known for sure.
    /// </summary>
    public static nint Direct(Type owner, string name, nint entry)
    {
        if (!Enabled) return entry;
        var method = owner.GetMethod(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        return method == null ? entry : Direct(method, entry);
    }

    /// <summary>The code behind <paramref name="entry"/>, the entry point of <paramref name="method"/>, or <paramref name="entry"/>.</summary>
    public static nint Direct(MethodInfo method, nint entry)
    {
        if (!Enabled || entry == 0 || RuntimeInformation.ProcessArchitecture != Architecture.X64) return entry;
        if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0) return entry;
        RuntimeHelpers.PrepareMethod(method.MethodHandle);
        byte* p = (byte*)entry;
        if (p[0] != 0xFF || p[1] != 0x25 || p[6] != 0x4C || p[7] != 0x8B || p[8] != 0x15 || p[13] != 0xFF || p[14] != 0x25)
            return entry;
        // Each operand is RIP-relative to the end of its instruction: the target slot (bytes 2..5), the method slot
        // (9..12). The precode must be this method's, and its target no longer its own fixup path (entry + 6).
        nint owner = *(nint*)(p + 13 + *(int*)(p + 9));
        if (owner != method.MethodHandle.Value) return entry;
        nint target = *(nint*)(p + 6 + *(int*)(p + 2));
        return target == entry + 6 || target == 0 ? entry : target;
    }
}
