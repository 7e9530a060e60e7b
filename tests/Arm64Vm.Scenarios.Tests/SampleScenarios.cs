namespace Arm64Vm.Scenarios.Tests;

/// <summary>Scenario texts that use every step kind and most keys (validated against the schema and the parser).</summary>
internal static class SampleScenarios
{
    public const string Everything = """
        name: everything
        summary: Uses every step kind.
        params: { pages: 4, base: 0x41000000 }
        machine:
          cpus: 2
          memory: 32MiB
          cache-model: state
          caches:
            l1d: { size: 32KiB, ways: 2, line: 64 }
            l1i: { size: 48KiB, ways: 3, line: 64, replacement: lru }
            l2:  { size: 1MiB, ways: 16, line: 64, replacement: pseudo-random }
            l2-inclusion: inclusive
            point-of-unification: l2
            non-cacheable-hit: return-memory
          features: { fwb: false, dic: false, idc: false }
          seed: 7
          virtio: { dma-coherent: false, dma-path: poc, access-platform: true }
          drives:
            - { size: 64KiB, fill: 0, pattern: { at: 0, size: 16, tag: r }, read-only: false }
        host: { policy: kvm }
        guest: { image: touch.bin, load: 0x40080000, entry: 0x40080000 }
        steps:
          - set-registers: { vcpu: 0, x1: "${pages}", x2: 1 }
          - run: { until: [system-reset, instructions], max-instructions: 1_000_000 }
          - expect: { console-not-contains: [panic, oops], stage2-faults: { min: 1 }, instructions: { max: 1000000 } }
          - host-write: { image: touch.bin, at: 0x40080000 }
          - host-write: { bytes: "de ad be ef", at: 0x41800000 }
          - host-fill: { at: 0x41801000, size: 4KiB, value: 0 }
          - vcpu-init: {}
          - vcpu-init: { vcpu: 1, power-off: true }
          - set-registers: { x1: "${pages}", x2: 9, pc: 0x40080000 }
          - run: { until: system-off }
          - expect:
              id: after-reboot
              when: { host.policy: kvm }
              memory:
                - { at: 0x41800000, equals: "de ad be ef" }
                - { at: 0x40080000, equals-image: touch.bin, size: 16, view: host }
              registers: { vcpu: 1, x0: 0 }
              pages-unmapped: { min: 1 }
              lines-cleaned: { min: 64, max: 100000 }
              vcpu-inits: 4
              disk:
                - { drive: 0, at: 0, pattern: r, size: 16 }
                - { at: 16, hex: "00 00" }
          - reset: {}
          - dirty-log: { enable: true, manual-protect: false }
          - migrate: { rounds: 1, run-instructions: 100, window-instructions: 10, final: true }
          - dirty-log: { enable: false }
          - expect: { migrated-copy-equals-source: true }
        matrix:
          host.policy: [kvm, eager-flush-on-init]
          params.pages: [1, 4]
        expected:
          - { host.policy: eager-flush-on-init, result: fail, fails: after-reboot, observed: "de ad" }
          - { host.policy: kvm, params.pages: 1, result: pass }
        sweep:
          memory: [32MiB, 64MiB]
          working-set: [1, 8]
          policies: [kvm, eager-flush-on-init]
          metric: lines-cleaned
        """;
}
