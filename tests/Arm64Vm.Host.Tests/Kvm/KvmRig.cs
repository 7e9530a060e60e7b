using System.Text;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>A VMM with one guest program (raw words at 0x4008_0000) for the host-layer rule tests.</summary>
internal sealed class KvmRig : IDisposable
{
    public const ulong Load = 0x4008_0000;
    public readonly StringBuilder Console = new();

    public KvmRig(uint[] program, VmmOptions? options = null, int cpus = 1)
    {
        var o = options ?? new VmmOptions();
        Vmm = new Vmm(new VmmOptions
        {
            MemorySize = 16UL << 20, Cpus = Math.Max(cpus, o.Cpus), CacheModel = o.CacheModel, Caches = o.Caches, Fwb = o.Fwb,
            Dic = o.Dic, Idc = o.Idc, Policy = o.Policy, Seed = o.Seed, HugePages = o.HugePages, GicVersion = o.GicVersion,
            Console = b => Console.Append((char)b),
        }, new[] { Image(program) });
        Vmm.StopOnReset = true;
        Vmm.Boot();
    }

    public static LoadedImage Image(uint[] program, ulong at = Load) =>
        new("test-program", ImageKind.Raw, new[] { new ImageSegment(at, A64.Bytes(program), 0) }, at);

    public Vmm Vmm { get; }
    public Vm Vm => Vmm.Vm;
    public Vcpu Vcpu => Vmm.Vcpus[0];
    public CacheMemorySystem? Caches => Vmm.Machine.MemorySystem as CacheMemorySystem;

    public RunOutcome Run(ulong max = 100_000) => Vmm.Run(max);

    public ulong ReadGuest64(ulong ipa)
    {
        Span<byte> b = stackalloc byte[8];
        Vm.ReadGuest(ipa, b);
        return BitConverter.ToUInt64(b);
    }

    public void WriteGuest64(ulong ipa, ulong value) => Vm.WriteGuest(ipa, BitConverter.GetBytes(value));

    /// <summary>What memory (PoC) holds, bypassing every cache (the state model), or RAM itself (flat).</summary>
    public ulong PocValue(ulong pa) => Caches?.PeekMemory(pa, 8) ?? BitConverter.ToUInt64(Vmm.Machine.Ram.Span(pa, 8));

    public List<HostEvent> EventsFor(ulong ipa) => Vm.Events.Events.Where(e => e.Address == ipa).ToList();

    public void Dispose() => Vmm.Dispose();
}
