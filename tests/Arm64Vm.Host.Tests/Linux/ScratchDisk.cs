namespace Arm64Vm.Host.Tests.Linux;

/// <summary>A 1 MiB file of zeros for the guest's virtio disk (vda), deleted on dispose.</summary>
public sealed class ScratchDisk : IDisposable
{
    public ScratchDisk() => File.WriteAllBytes(Path, new byte[1 << 20]);

    public string Path { get; } = System.IO.Path.GetTempFileName();

    public DriveSpec[] Drives => [new DriveSpec(Path, ReadOnly: false)];

    public void Dispose() => File.Delete(Path);
}
