using System.Buffers.Binary;
using Arm64Vm.Devices.Virtio;
using Xunit;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>VIO-6: virtio-blk requests against a backing file: read, write, flush, GET_ID, read-only, errors.</summary>
public sealed class VirtioBlkTests : IDisposable
{
    private const ulong Header = VirtioDriver.Data, Buffer = VirtioDriver.Data + 0x1000, Status = VirtioDriver.Data + 0x800;
    private readonly string _path = Path.GetTempFileName();

    public VirtioBlkTests()
    {
        var image = new byte[64 * 512];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)(i / 512);    // sector n is full of n
        File.WriteAllBytes(_path, image);
    }

    public void Dispose() => File.Delete(_path);

    private (VirtioDriver Driver, VirtioBlk Blk) Open(bool readOnly = false)
    {
        var blk = VirtioBlk.Open(_path, readOnly, "arm64vm-drive0");
        return (new VirtioDriver(blk), blk);
    }

    /// <summary>One request: header (type, sector), data buffers, the status byte; returns (status, used length).</summary>
    private static (byte Status, uint Used) Request(VirtioDriver d, uint type, ulong sector, uint dataLength, bool deviceWrites)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d.Ram.At(Header, 4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Ram.At(Header + 8, 8), sector);
        d.Ram.At(Status, 1)[0] = 0xFF;
        if (dataLength == 0) d.Submit((Header, 16, false), (Status, 1, true));
        else d.Submit((Header, 16, false), (Buffer, dataLength, deviceWrites), (Status, 1, true));
        int position = d.UsedIdx;
        d.Notify();
        return (d.Ram.At(Status, 1)[0], d.UsedElement(position).Length);
    }

    [Fact]
    public void Vio6_ConfigSpaceHoldsCapacitySegMaxAndBlockSize()
    {
        var (d, blk) = Open();
        using var _ = blk;
        Assert.Equal(64UL, d.Transport.Read(0x100, 4) | d.Transport.Read(0x104, 4) << 32);
        Assert.Equal(254UL, d.Transport.Read(0x10C, 4));
        Assert.Equal(512UL, d.Transport.Read(0x114, 4));
        Assert.Equal(64UL, d.Transport.Read(0x100, 1));          // byte access to the configuration space
        Assert.Equal(1u << VirtioBlk.FeatureFlush, (uint)d.Transport.Read(0x010, 4) & 1u << VirtioBlk.FeatureFlush);
        Assert.Equal(0u, (uint)d.Transport.Read(0x010, 4) & 1u << VirtioBlk.FeatureRo);
    }

    [Fact]
    public void Vio6_ReadFillsTheBufferFromTheSectorsAndUsesDataPlusStatus()
    {
        var (d, blk) = Open();
        using var _ = blk;
        var (status, used) = Request(d, VirtioBlk.TypeIn, 5, 1024, deviceWrites: true);
        Assert.Equal(VirtioBlk.StatusOk, status);
        Assert.Equal(1025u, used);
        Assert.Equal(5, d.Ram.At(Buffer, 1)[0]);
        Assert.Equal(6, d.Ram.At(Buffer + 1023, 1)[0]);
    }

    [Fact]
    public void Vio6_WriteReachesTheFileAndReadsBack()
    {
        var (d, blk) = Open();
        d.Ram.At(Buffer, 512).Fill(0x5A);
        var (status, used) = Request(d, VirtioBlk.TypeOut, 3, 512, deviceWrites: false);
        Assert.Equal((VirtioBlk.StatusOk, 1u), (status, used));
        d.Ram.At(Buffer, 512).Clear();
        Assert.Equal(VirtioBlk.StatusOk, Request(d, VirtioBlk.TypeIn, 3, 512, deviceWrites: true).Status);
        Assert.Equal(0x5A, d.Ram.At(Buffer + 511, 1)[0]);
        Assert.Equal(VirtioBlk.StatusOk, Request(d, VirtioBlk.TypeFlush, 0, 0, false).Status);
        Assert.Equal(1, blk.Flushes);
        blk.Dispose();
        var file = File.ReadAllBytes(_path);
        Assert.Equal(0x5A, file[3 * 512]);
        Assert.Equal(4, file[4 * 512]);
    }

    [Fact]
    public void Vio6_AReadOnlyDriveOffersRoAndFailsWritesWithIoErr()
    {
        var (d, blk) = Open(readOnly: true);
        using var _ = blk;
        Assert.Equal(1u << VirtioBlk.FeatureRo, (uint)d.Transport.Read(0x010, 4) & 1u << VirtioBlk.FeatureRo);
        d.Ram.At(Buffer, 512).Fill(0x5A);
        Assert.Equal(VirtioBlk.StatusIoErr, Request(d, VirtioBlk.TypeOut, 3, 512, deviceWrites: false).Status);
        Assert.Equal(3, File.ReadAllBytes(_path)[3 * 512]);
    }

    [Fact]
    public void Vio6_GetIdWritesTheSerial()
    {
        var (d, blk) = Open();
        using var _ = blk;
        var (status, used) = Request(d, VirtioBlk.TypeGetId, 0, 20, deviceWrites: true);
        Assert.Equal(VirtioBlk.StatusOk, status);
        Assert.Equal(15u, used);
        Assert.Equal("arm64vm-drive0", System.Text.Encoding.ASCII.GetString(d.Ram.At(Buffer, 14)));
    }

    [Theory]
    [InlineData(VirtioBlk.TypeIn, 63UL, 1024u, VirtioBlk.StatusIoErr)]     // runs past the last sector
    [InlineData(VirtioBlk.TypeIn, ulong.MaxValue, 512u, VirtioBlk.StatusIoErr)]
    [InlineData(VirtioBlk.TypeIn, 0UL, 100u, VirtioBlk.StatusIoErr)]       // not whole sectors
    [InlineData(11u, 0UL, 512u, VirtioBlk.StatusUnsupported)]              // DISCARD: not offered
    public void Vio6_BadRequestsCompleteWithAnErrorStatus(uint type, ulong sector, uint length, byte expected)
    {
        var (d, blk) = Open();
        using var _ = blk;
        var (status, used) = Request(d, type, sector, length, deviceWrites: true);
        Assert.Equal(expected, status);
        Assert.Equal(1u, used);
        Assert.False(d.NeedsReset);
    }

    [Fact]
    public void Vio6_AHeaderSplitAcrossDescriptorsIsGathered()
    {
        var (d, blk) = Open();
        using var _ = blk;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Ram.At(Header, 4), VirtioBlk.TypeIn);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Ram.At(Header + 0x108, 8), 9);
        d.SubmitIndirect((Header, 8, false), (Header + 0x108, 8, false), (Buffer, 256, true), (Buffer + 0x400, 256, true), (Status, 1, true));
        d.Notify();
        Assert.Equal(VirtioBlk.StatusOk, d.Ram.At(Status, 1)[0]);
        Assert.Equal(9, d.Ram.At(Buffer + 0x400 + 255, 1)[0]);
    }

    [Fact]
    public void Vio6_AMissingFileIsADriveErrorNamingIt()
    {
        var e = Assert.Throws<DriveException>(() => VirtioBlk.Open("/nonexistent/disk.img", false, "x"));
        Assert.Equal("/nonexistent/disk.img: file not found", e.Message);
    }
}
