using System.CommandLine;
using Arm64Vm.Cli;
using Arm64Vm.Host.Images;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>Runs `arm64vm run …` in process as Program does: usage and image errors are one line on stderr and exit 2.</summary>
internal static class RunCli
{
    public static string Relocate => Path.Combine(RepoPaths.Scenarios, "guests", "bin", "relocate.bin");

    public static (int Code, string Err) Run(params string[] args)
    {
        var root = new RootCommand { RunCommand.Create() };
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        var err = new StringWriter();
        Console.SetOut(new StringWriter());
        Console.SetError(err);
        try
        {
            var parse = root.Parse(new[] { "run" }.Concat(args).ToArray());
            Assert.Empty(parse.Errors);
            return (parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }), err.ToString());
        }
        catch (UsageException e) { return (2, $"arm64vm: {e.Message}\n"); }
        catch (ImageFormatException e) { return (2, $"arm64vm: {e.Message}\n"); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
