using Arm64Vm.Host.Images;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// A Linux boot as QEMU's -kernel does it (<c>guest: { kernel, initrd, append, kernel-dir }</c>): the VMM places the
/// initrd and a generated device tree (Host.Images.BootProtocol) and passes the tree's address in x0.
/// </summary>
public sealed record KernelBoot(string KernelPath, InitrdFile? Initrd, string? Append, string? InitrdPath);

/// <summary>What <c>guest:</c> binds to: an image and, for a kernel, its boot; or, when a fetched kernel is absent, why the combination is skipped.</summary>
public sealed record GuestSpec(LoadedImage? Image, KernelBoot? Boot, string? SkipReason);

public static partial class ScenarioBinder
{
    /// <summary>The keyword of <c>kernel-dir</c> naming the folder tools/fetch-debian-kernel.sh fills.</summary>
    public const string DebianKernelDir = "debian";

    /// <summary>
    /// The folder tools/fetch-debian-kernel.sh --print-dir prints: $ARM64VM_KERNEL_DIR, else
    /// ${XDG_CACHE_HOME:-$HOME/.cache}/arm64vm/debian-kernel (the same rule, reimplemented).
    /// </summary>
    public static string DebianKernelDirectory()
    {
        if (Environment.GetEnvironmentVariable("ARM64VM_KERNEL_DIR") is { Length: > 0 } dir) return dir;
        string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x
            ? x : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "arm64vm", "debian-kernel");
    }

    /// <summary>Kernels are large (tens of MiB) and every combination binds the same ones: read each file once.</summary>
    private static readonly Dictionary<(string Path, DateTime Written), object> FileCache = new();

    private static T Cached<T>(string path, Func<T> load) where T : class
    {
        var key = (path, File.GetLastWriteTimeUtc(path));
        lock (FileCache)
        {
            if (FileCache.TryGetValue(key, out var v) && v is T t) return t;
            var loaded = load();
            FileCache[key] = loaded;
            return loaded;
        }
    }

    /// <summary>The scripts that make the files of the fetched folder: derived initramfs images have one of their own.</summary>
    private static readonly Dictionary<string, string> DerivedFiles = new()
    {
        ["initramfs-reboot.cpio.gz"] = "tools/make-reboot-initramfs.sh",
        ["initramfs-dma.cpio.gz"] = "tools/make-dma-initramfs.sh",
    };

    /// <summary>Why the combination is skipped: the missing file and the scripts that make it and the initrd.</summary>
    private static string MissingKernelFile(string path, string? initrdPath)
    {
        string fix = "run tools/fetch-debian-kernel.sh (the kernel and initramfs)";
        string initrd = Path.GetFileName(initrdPath ?? "");
        if (DerivedFiles.TryGetValue(initrd, out var script)) fix += $", then {script} ({initrd})";
        return $"{path} is missing: {fix}";
    }

    private static GuestSpec BindKernelGuest(NodeReader r, YNode map, BindContext ctx)
    {
        foreach (var key in new[] { "image", "load", "entry" })
            if (map.Get(key) is { } bad) throw NodeReader.Error(bad, $"guest.{key} cannot go with guest.kernel (a kernel is placed by the boot protocol)");
        var kernelNode = map.Get("kernel")!;
        string? kernelDir = null;
        bool fetched = false;
        if (map.Get("kernel-dir") is { } kd)
        {
            string text = r.NonEmptyText(kd, "guest.kernel-dir");
            fetched = text == DebianKernelDir;
            kernelDir = fetched ? DebianKernelDirectory() : ctx.ResolvePath(text);
        }
        string Resolve(YNode node, string what) => Path.GetFullPath(Path.Combine(kernelDir ?? ctx.Directory, r.NonEmptyText(node, what)));
        string kernelPath = Resolve(kernelNode, "guest.kernel");
        string? initrdPath = map.Get("initrd") is { } ini ? Resolve(ini, "guest.initrd") : null;
        string? append = map.Get("append") is { } ap ? r.Text(ap, "guest.append") : null;

        foreach (var (path, node) in new[] { (kernelPath, kernelNode), (initrdPath, map.Get("initrd")) })
        {
            if (path == null || File.Exists(path)) continue;
            // A fetched kernel is not part of the repository: its absence skips the combination (neither pass nor fail).
            if (fetched) return new GuestSpec(null, null, MissingKernelFile(path, initrdPath));
            throw NodeReader.Error(node!, $"{path} does not exist");
        }
        LoadedImage kernel;
        try { kernel = Cached(kernelPath, () => ImageLoader.Load(kernelPath, null, null)); }
        catch (ImageFormatException e) { throw NodeReader.Error(kernelNode, $"guest.kernel: {e.Message}"); }
        InitrdFile? initrd = initrdPath == null ? null : Cached(initrdPath, () => new InitrdFile(initrdPath, File.ReadAllBytes(initrdPath)));
        foreach (var seg in kernel.Segments)
            ctx.CheckRam(kernelNode, seg.Address, Math.Max((ulong)seg.Data.Length, seg.MemorySize), $"guest.kernel '{kernelPath}'");
        return new GuestSpec(kernel, new KernelBoot(kernelPath, initrd, append, initrdPath), null);
    }
}
