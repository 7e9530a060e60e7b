using System.CommandLine;
using Arm64Vm.Cli;
using Arm64Vm.Host.Images;

// Exit codes: 0 success (or the guest's own status), 1 guest/internal error, 2 bad input, 3 instruction limit,
// 4 every CPU idle forever, 130 interrupted.
JitProfile.Start(args);
var root = new RootCommand("Arm64Vm: an AArch64 full-system emulator with a faithful cache-coherence model")
{
    RunCommand.Create(),
    DisasmCommand.Create(),
    ScenarioCommand.Create(),
};

try
{
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        foreach (var error in parse.Errors) Console.Error.WriteLine($"arm64vm: {error.Message}");
        Console.Error.WriteLine("Try 'arm64vm --help'.");
        return 2;
    }
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UsageException e)
{
    Console.Error.WriteLine($"arm64vm: {e.Message}");
    return 2;
}
catch (ImageFormatException e)
{
    Console.Error.WriteLine($"arm64vm: {e.Message}");
    return 2;
}
