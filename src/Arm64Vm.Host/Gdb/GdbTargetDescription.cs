using System.Text;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// target.xml (qXfer:features:read): architecture aarch64 with the core, FP and system-register features of
/// <see cref="GdbRegisters"/>. The core feature carries gdb's cpsr flags type and the FP feature the vector union gdb
/// shows v registers with.
/// </summary>
public static class GdbTargetDescription
{
    public static string Xml { get; } = Build();

    private static string Build()
    {
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n");
        sb.Append("<architecture>aarch64</architecture>\n");
        foreach (var feature in new[] { GdbRegisters.CoreFeature, GdbRegisters.FpuFeature, GdbRegisters.SystemFeature })
        {
            sb.Append($"<feature name=\"{feature}\">\n");
            if (feature == GdbRegisters.CoreFeature)
                sb.Append("<flags id=\"cpsr_flags\" size=\"4\">"
                          + "<field name=\"SP\" start=\"0\" end=\"0\"/><field name=\"EL\" start=\"2\" end=\"3\"/>"
                          + "<field name=\"F\" start=\"6\" end=\"6\"/><field name=\"I\" start=\"7\" end=\"7\"/>"
                          + "<field name=\"A\" start=\"8\" end=\"8\"/><field name=\"D\" start=\"9\" end=\"9\"/>"
                          + "<field name=\"IL\" start=\"20\" end=\"20\"/><field name=\"SS\" start=\"21\" end=\"21\"/>"
                          + "<field name=\"V\" start=\"28\" end=\"28\"/>"
                          + "<field name=\"C\" start=\"29\" end=\"29\"/><field name=\"Z\" start=\"30\" end=\"30\"/>"
                          + "<field name=\"N\" start=\"31\" end=\"31\"/></flags>\n");
            if (feature == GdbRegisters.FpuFeature)
                sb.Append("<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/><vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
                          + "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/><vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
                          + "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/><vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
                          + "<union id=\"aarch64v\"><field name=\"d\" type=\"v2d\"/><field name=\"ud\" type=\"v2u\"/>"
                          + "<field name=\"s\" type=\"v4f\"/><field name=\"us\" type=\"v4u\"/><field name=\"h\" type=\"v8u\"/>"
                          + "<field name=\"b\" type=\"v16u\"/><field name=\"q\" type=\"uint128\"/></union>\n");
            foreach (var r in GdbRegisters.All)
                if (r.Feature == feature)
                    sb.Append($"<reg name=\"{r.Name}\" bitsize=\"{r.Bits}\" type=\"{r.Type}\" regnum=\"{r.Number}\" group=\"{r.Group}\"/>\n");
            sb.Append("</feature>\n");
        }
        sb.Append("</target>\n");
        return sb.ToString();
    }
}
