using System.Text;
using Arm64Vm.Host.Images;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// For the few story facts the scenario YAML cannot state (stage-2 entries, the host's event log, HCR_EL2): one bundled scenario guest (scenarios/guests/bin/NAME.bin, raw at 0x4008_0000) under the VMM, stopped at every
/// SYSTEM_RESET so a test can act between boots as the scenario steps do: restore the image through the host's
/// cacheable path (<see cref="RestoreImage"/>), re-init the vCPUs (<see cref="InitVcpus"/>), write guest memory.
/// </summary>
internal sealed class ScenarioRig : IDisposable
{
    public const ulong Load = 0x4008_0000;
    private readonly StringBuilder _console = new();

    public ScenarioRig(string guest, VmmOptions? options = null, int cpus = 1)
        : this(ImageLoader.Parse(guest, GuestImage(guest), Load), options, cpus)
    {
    }

    /// <summary>The raw image of a scenario guest.</summary>
    public static byte[] GuestImage(string guest) => File.ReadAllBytes(GuestRunner.PathOf($"scenarios/guests/bin/{guest}.bin"));

    public ScenarioRig(LoadedImage image, VmmOptions? options = null, int cpus = 1)
    {
        var o = options ?? new VmmOptions();
        Image = image;
        Vmm = new Vmm(new VmmOptions
        {
            MemorySize = 16UL << 20, Cpus = Math.Max(cpus, o.Cpus), CacheModel = o.CacheModel, Caches = o.Caches, Fwb = o.Fwb,
            Dic = o.Dic, Idc = o.Idc, Policy = o.Policy, Seed = o.Seed, Console = b => _console.Append((char)b),
        }, new[] { Image });
        Vmm.StopOnReset = true;
        Vmm.Boot();
    }

    public LoadedImage Image { get; }
    public Vmm Vmm { get; }
    public Vm Vm => Vmm.Vm;
    public HostCounters Counters => Vm.Counters;
    public CacheMemorySystem? Caches => Vmm.Machine.MemorySystem as CacheMemorySystem;
    public string Console => _console.ToString();

    /// <summary>Runs the VMM; fails the test unless the run ends the way the step says.</summary>
    public RunOutcome RunUntil(StopReason expected, ulong maxInstructions = 5_000_000)
    {
        var outcome = Vmm.Run(maxInstructions);
        Assert.True(outcome.Reason == expected, $"expected {expected}, got {outcome.Reason} ({outcome.Message}); console:\n{Console}");
        return outcome;
    }

    /// <summary>The scenario step "host-write: { image }": the image bytes through the host's cacheable path.</summary>
    public void RestoreImage() => Vmm.LoadImages();

    /// <summary>The scenario step "vcpu-init: {}": KVM_ARM_VCPU_INIT on every vCPU, vCPU 0 at the entry point.</summary>
    public void InitVcpus() => Vmm.InitVcpus();

    public void WriteGuest(ulong ipa, byte[] bytes) => Vm.WriteGuest(ipa, bytes);

    public ulong ReadGuest64(ulong ipa)
    {
        Span<byte> b = stackalloc byte[8];
        Vm.ReadGuest(ipa, b);
        return BitConverter.ToUInt64(b);
    }

    /// <summary>What memory (PoC) holds, bypassing every cache (state model), or RAM itself (flat).</summary>
    public ulong PocValue(ulong pa) => Caches?.PeekMemory(pa, 8) ?? BitConverter.ToUInt64(Vmm.Machine.Ram.Span(pa, 8));

    /// <summary>The image's bytes at an address (what the restore writes there).</summary>
    public ulong ImageWord(ulong ipa) => BitConverter.ToUInt64(Image.Segments[0].Data, (int)(ipa - Load));

    public void Dispose() => Vmm.Dispose();
}
