using Xunit;

namespace Arm64Vm.Host.Tests.Linux;

/// <summary>
/// Where tools/fetch-debian-kernel.sh leaves the Debian kernel and initramfs ($ARM64VM_KERNEL_DIR, else
/// ${XDG_CACHE_HOME:-$HOME/.cache}/arm64vm/debian-kernel): nothing of it is in the repository.
/// </summary>
internal static class DebianKernel
{
    public static string Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("ARM64VM_KERNEL_DIR") is { Length: > 0 } dir) return dir;
            string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x
                ? x : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "arm64vm", "debian-kernel");
        }
    }

    public static string Image => Path.Combine(Directory, "Image");
    public static string Initramfs => Path.Combine(Directory, "initramfs.cpio.gz");
    public static bool Present => File.Exists(Image) && File.Exists(Initramfs);
}

/// <summary>A fact that boots the fetched Debian kernel: skipped, naming the script that fetches it, when it is absent.</summary>
public sealed class DebianKernelFactAttribute : FactAttribute
{
    public DebianKernelFactAttribute()
    {
        if (!DebianKernel.Present) Skip = $"no Debian kernel in {DebianKernel.Directory}: run tools/fetch-debian-kernel.sh";
    }
}
