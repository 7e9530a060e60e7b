using Arm64Vm.Host.Images;

namespace Arm64Vm.Host.Tests;

/// <summary>
/// The options of a bundled guest run (tests/guests/NAME.args, `arm64vm run` spelling, one option a line; the same
/// file tools/record-guests.sh turns into QEMU flags): the image in tests/guests/bin and the machine to run it on.
/// Without the file: NAME.elf on the default machine.
/// </summary>
internal sealed record GuestArgs(string ImagePath, VmmOptions Options)
{
    public static GuestArgs For(string name)
    {
        string file = GuestRunner.PathOf($"tests/guests/{name}.args");
        var options = new VmmOptions { CacheModel = CacheModelKind.Off };
        string image = $"{name}.elf";
        if (!File.Exists(file)) return new GuestArgs(GuestRunner.PathOf($"tests/guests/bin/{image}"), options);
        int cpus = 1, gic = 3;
        string? append = null;
        InitrdFile? initrd = null;
        foreach (var raw in File.ReadAllLines(file))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.IndexOf(' ');
            string option = space < 0 ? line : line[..space], value = space < 0 ? "" : line[(space + 1)..];
            switch (option)
            {
                case "--image": image = value; break;
                case "--cpus": cpus = int.Parse(value); break;
                case "--gic": gic = int.Parse(value); break;
                case "--append": append = value; break;
                case "--initrd":
                    string path = GuestRunner.PathOf($"tests/guests/{value}");
                    initrd = new InitrdFile(value, File.ReadAllBytes(path));
                    break;
                default: throw new InvalidDataException($"{file}: unknown option {option}");
            }
        }
        return new GuestArgs(GuestRunner.PathOf($"tests/guests/bin/{image}"),
            new VmmOptions { CacheModel = CacheModelKind.Off, Cpus = cpus, GicVersion = gic, Bootargs = append, Initrd = initrd });
    }
}
