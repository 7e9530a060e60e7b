using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

internal sealed partial class CombinationRun
{
    /// <summary>host-read, swap-page, break-cow: the host's own accesses and memory management on guest pages (H13).</summary>
    private bool HostMemory(Step step)
    {
        try { DoHostMemory(step); }
        catch (InvalidOperationException e)
        {
            // The host ran out of spare frames: the combination fails here, the remaining steps are skipped.
            _result.Failures.Add(new Failure(step.Label, step.Kind, e.Message, step.Location.ToString()));
            return false;
        }
        return true;
    }

    private void DoHostMemory(Step step)
    {
        switch (step)
        {
            case HostReadStep read:
                _vmm.Vm.ReadGuest(read.At, new byte[read.Size]);
                break;
            case SwapPageStep swap:
                _vmm.Vm.SwapOutPage(swap.At);
                break;
            case BreakCowStep cow:
                _vmm.Vm.BreakCow(cow.At);
                if (cow.Data.Length != 0) _vmm.Vm.WriteGuest(cow.At, cow.Data);
                break;
        }
    }
}
