using Arm64Vm.Host.Tests.Kvm;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// A tiny virtio-blk driver (MMU off, so every access is Device or Non-cacheable and goes straight to memory): it brings
/// up the first drive's transport (0x0A00_3E00, VIO-1/VIO-5), builds one split queue (VIO-3) and submits two requests
/// in one notify (VIO-6): OUT of 512 bytes starting "dma-test" to sector 0, and IN of sector 64 (disk offset 32 KiB)
/// into <see cref="DataIn"/>; each request's status byte starts at 0xFF. Then it powers off.
/// </summary>
internal static class VirtioBlkGuest
{
    public const ulong Transport = 0x0A00_3E00;
    public const ulong Desc = 0x4100_0000, Avail = 0x4100_1000, Used = 0x4100_2000;
    public const ulong HeaderOut = 0x4100_3000, HeaderIn = 0x4100_3010, StatusOut = 0x4100_5000, StatusIn = 0x4100_5010;
    public const ulong DataOut = 0x4100_4000, DataIn = 0x4100_6000;
    public const ulong InSector = 64;
    public const string Written = "dma-test";

    private const ushort Next = 1, Write = 2;

    public static byte[] Image()
    {
        var a = new TinyAssembler();
        void Store(ulong at, ulong value) => a.Emit(A64.Mov(1, at)).Emit(A64.Mov(2, value)).Emit(A64.StrX(2, 1));
        void Reg(uint offset, uint value) => a.Emit(A64.Mov(1, Transport)).Emit(A64.Mov(2, value)).Emit(A64.StrW(2, 1, offset));
        void Descriptor(int i, ulong addr, uint len, ushort flags, ushort next)
        {
            Store(Desc + (ulong)i * 16, addr);
            Store(Desc + (ulong)i * 16 + 8, len | (ulong)flags << 32 | (ulong)next << 48);
        }
        // The requests: headers (type, reserved, sector), 8 bytes of data out, status bytes 0xFF.
        Store(HeaderOut, 1);                                   // VIRTIO_BLK_T_OUT
        Store(HeaderOut + 8, 0);
        Store(HeaderIn, 0);                                    // VIRTIO_BLK_T_IN
        Store(HeaderIn + 8, InSector);
        Store(DataOut, BitConverter.ToUInt64(System.Text.Encoding.ASCII.GetBytes(Written)));
        Store(StatusOut, 0xFF);
        Store(StatusIn, 0xFF);
        Descriptor(0, HeaderOut, 16, Next, 1);
        Descriptor(1, DataOut, 512, Next, 2);
        Descriptor(2, StatusOut, 1, Write, 0);
        Descriptor(3, HeaderIn, 16, Next, 4);
        Descriptor(4, DataIn, 512, Next | Write, 5);
        Descriptor(5, StatusIn, 1, Write, 0);
        // VIO-5: reset, ACKNOWLEDGE, DRIVER, VIRTIO_F_VERSION_1 only, FEATURES_OK, queue 0 of 8, DRIVER_OK.
        Reg(0x070, 0);
        Reg(0x070, 1);
        Reg(0x070, 3);
        Reg(0x024, 1); Reg(0x020, 1);
        Reg(0x024, 0); Reg(0x020, 0);
        Reg(0x070, 0xB);
        Reg(0x030, 0); Reg(0x038, 8);
        Reg(0x080, (uint)Desc); Reg(0x084, 0);
        Reg(0x090, (uint)Avail); Reg(0x094, 0);
        Reg(0x0A0, (uint)Used); Reg(0x0A4, 0);
        Reg(0x044, 1);
        Reg(0x070, 0xF);
        Store(Avail, 2UL << 16 | 0UL << 32 | 3UL << 48);      // flags 0, idx 2, ring = [0, 3]
        Reg(0x050, 0);                                         // QueueNotify: served inside the exit
        a.Print("blk done\n").SystemOff();
        return a.Bytes();
    }
}
