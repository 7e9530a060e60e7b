using System.Globalization;
using System.Text.RegularExpressions;
using Arm64Vm.Cpu.Decoding;
using Gee.External.Capstone;
using Gee.External.Capstone.Arm64;
using Xunit;
using Xunit.Abstractions;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The CPU tests write instructions as raw 32-bit encodings with their disassembly in a comment
/// (<c>0xD2800020u, // mov x0, #1</c>). This test reads those sources, pairs each encoding with its comment and checks
/// the comment against Capstone's disassembly, so a comment cannot claim an instruction the word is not.
/// </summary>
/// <remarks>
/// Pairing: on a line with encodings and a <c>//</c> comment, the comment is split at <c>;</c>, <c> | </c> and
/// <c> / </c>; with as many parts as encodings they pair in order, otherwise the first encoding pairs with the first
/// part. A comment part <c>asm = 0xWORD</c> is a claim about that word instead. A part is a disassembly claim when its
/// first word is an A64 mnemonic; it may stop early (<c>ic ivau</c> for <c>ic ivau, x1</c>), give only the size
/// (<c>ldsmin x</c>) or arrangement (<c>clz .4s</c>), and name a PC-relative target by a label or <c>.+N</c>. Free
/// text follows after <c>: </c>, <c> (</c>, two spaces, <c> = </c> or <c> -&gt;</c>. Words our decoder rejects are
/// described unallocated variants (<c>ubfm w0, w1 with immr&lt;5&gt;=1</c>); words only Capstone cannot decode
/// (specs/capstone-disagreements.md CD1 and newer extensions) are checked by mnemonic against our decode row.
/// </remarks>
public class EncodingCommentTests
{
    private readonly ITestOutputHelper _out;
    public EncodingCommentTests(ITestOutputHelper output) => _out = output;

    private sealed record Claim(string File, int Line, uint Word, string Text)
    {
        public override string ToString() => $"{File}:{Line}: 0x{Word:X8} // {Text}";
    }

    private const ulong Base = 0x10_0000;    // disassembly address: page-aligned, so ADRP targets are offsets too

    private static readonly Regex CodeWord = new(@"(?<![0-9A-Za-z_])0x([0-9A-Fa-f]{8})(?![0-9A-Fa-f_])(?![uU]?[lL])", RegexOptions.Compiled);
    private static readonly Regex BlockClaim = new(@"0x([0-9A-Fa-f]{8})[uU]?\s*/\*(.*?)\*/", RegexOptions.Compiled);
    private static readonly Regex CommentWord = new(@"([^;=]*?)\s*=\s*0x([0-9A-Fa-f]{8})\b", RegexOptions.Compiled);
    private static readonly Regex Number = new(@"(?<![a-z0-9_.])-?(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)(?![0-9a-z])", RegexOptions.Compiled);
    private static readonly Regex RegisterRange = new(@"v(\d+)\.(\w+)-v(\d+)\.\w+", RegexOptions.Compiled);
    private static readonly Regex Register = new(@"^([xwvqdshb]\d+|sp|wsp|xzr|wzr)$", RegexOptions.Compiled);
    private static readonly Regex Label = new(@"^([a-z_][a-z0-9_]*|\.([+-]\d+)?)$", RegexOptions.Compiled);
    private static readonly string[] FreeTextStarts = { ": ", " (", "  ", " = ", " ->", " with " };
    private static readonly HashSet<string> PcRelative = new() { "b", "bl", "cbz", "cbnz", "tbz", "tbnz", "adr", "adrp", "ldr", "ldrsw", "prfm" };

    private static string CpuTestsDirectory()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Arm64Vm.sln"))) d = d.Parent;
        Assert.True(d != null, "Arm64Vm.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(d!.FullName, "tests", "Arm64Vm.Cpu.Tests");
    }

    private static IEnumerable<Claim> Claims()
    {
        foreach (var path in Directory.GetFiles(CpuTestsDirectory(), "*.cs").OrderBy(p => p, StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            if (file == nameof(EncodingCommentTests) + ".cs") continue;
            var lines = File.ReadAllLines(path);
            for (int n = 0; n < lines.Length; n++)
            {
                int at = lines[n].IndexOf("//", StringComparison.Ordinal);
                if (at < 0) at = lines[n].Length;
                string code = lines[n][..at], comment = at < lines[n].Length ? lines[n][(at + 2)..].Trim() : "";
                if (!CodeWord.IsMatch(code)) continue;
                // "0xWORD /* asm */": the block comment is the claim; the line comment is then prose.
                var blocks = BlockClaim.Matches(code);
                foreach (Match m in blocks) yield return new Claim(file, n + 1, Hex(m.Groups[1].Value), m.Groups[2].Value.Trim());
                if (blocks.Count > 0) continue;
                // "asm = 0xWORD" in the comment: the comment names its own example word.
                var inComment = CommentWord.Matches(comment);
                foreach (Match m in inComment) yield return new Claim(file, n + 1, Hex(m.Groups[2].Value), m.Groups[1].Value.Trim());
                if (inComment.Count > 0) continue;
                if (comment.Length == 0) continue;
                var words = CodeWord.Matches(code).Select(m => Hex(m.Groups[1].Value)).ToArray();
                var parts = Regex.Split(comment, @";|\s\|\s|\s/\s").Select(p => p.Trim()).ToArray();
                if (parts.Length == words.Length)
                    for (int i = 0; i < words.Length; i++) yield return new Claim(file, n + 1, words[i], parts[i]);
                else yield return new Claim(file, n + 1, words[0], parts[0]);
            }
        }
    }

    private static uint Hex(string digits) => uint.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The assembly text of a comment part: a leading "label:" or "(note)" and trailing free text dropped.</summary>
    private static string AsmPart(string text, ISet<string> mnemonics)
    {
        var labelled = Regex.Match(text, @"^(\d+|[A-Za-z_]\w*):\s+(.*)$");
        if (labelled.Success && mnemonics.Contains(FirstWord(labelled.Groups[2].Value))) text = labelled.Groups[2].Value;
        text = Regex.Replace(text, @"^\([^)]*\)\s*", "");
        foreach (var s in FreeTextStarts)
        {
            int i = text.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0) text = text[..i];
        }
        return text.Trim().TrimEnd(',', ':').Trim();
    }

    private static string FirstWord(string text) => text.Trim().Split(' ', '\t')[0].TrimEnd(',', ':').ToLowerInvariant();

    private static string RowMnemonic(DecodeRow row) => row.Name.Split('_')[0].ToLowerInvariant();

    /// <summary>
    /// Whether <paramref name="mnemonic"/> names an instruction of the decode row whose mnemonic is
    /// <paramref name="head"/>: one row covers sizes and orderings (LDADD: ldaddb, ldaddal...) and the ST aliases of
    /// the LSE loads (stadd = ldadd to ZR).
    /// </summary>
    private static bool OfRow(string mnemonic, string head) =>
        head.Length >= 3 && (mnemonic.StartsWith(head, StringComparison.Ordinal) ||
            (mnemonic.StartsWith("st", StringComparison.Ordinal) && ("ld" + mnemonic[2..]).StartsWith(head, StringComparison.Ordinal)));

    /// <summary>Mnemonic, then operands split at top-level commas, with numbers canonical and lists expanded.</summary>
    private static string[] Tokens(string asm)
    {
        asm = asm.Trim().ToLowerInvariant().Replace('\t', ' ');
        int sp = asm.IndexOf(' ');
        var tokens = new List<string> { sp < 0 ? asm : asm[..sp] };
        if (sp < 0) return tokens.ToArray();
        int depth = 0;
        var cur = new System.Text.StringBuilder();
        foreach (char ch in asm[(sp + 1)..] + ",")
        {
            if (ch is '[' or '{') depth++;
            if (ch is ']' or '}') depth--;
            if (ch == ',' && depth == 0)
            {
                string op = Normalize(cur.ToString());
                if (op.Length > 0) tokens.Add(op);
                cur.Clear();
            }
            else cur.Append(ch);
        }
        return tokens.ToArray();
    }

    private static string Normalize(string operand)
    {
        operand = RegisterRange.Replace(operand, m =>
        {
            int first = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), last = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            var regs = new List<string>();
            for (int r = first; ; r = (r + 1) % 32) { regs.Add($"v{r}.{m.Groups[2].Value}"); if (r == last) break; }
            return string.Join(",", regs);
        });
        operand = Number.Replace(operand.Replace('#', ' '), m => CanonicalNumber(m.Value));
        return operand.Replace(" ", "");
    }

    private static string CanonicalNumber(string s)
    {
        bool negative = s.StartsWith('-');
        string digits = negative ? s[1..] : s;
        // Integers as signed 64-bit values: Capstone prints a negative offset as its 64-bit two's complement.
        if (digits.StartsWith("0x", StringComparison.Ordinal))
            return Signed(ulong.Parse(digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), negative);
        if (ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)) return Signed(u, negative);
        return double.Parse(s, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Signed(ulong magnitude, bool negative) =>
        (negative ? unchecked(0 - (long)magnitude) : unchecked((long)magnitude)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Condition-code synonyms (the Arm ARM's CS/HS and CC/LO): Capstone prints HS and LO.</summary>
    private static string Condition(string c) => c switch { "cs" => "hs", "cc" => "lo", _ => c };

    /// <summary>
    /// Capstone 2.3.0 prints MOVZ, MOVN and ORR (bitmask immediate, from ZR) where the Arm ARM prefers the MOV alias:
    /// the MOV form of such a disassembly, or the disassembly itself.
    /// </summary>
    private static string[] PreferredMov(string[] d)
    {
        bool w = d.Length > 1 && d[1].StartsWith('w');
        ulong mask = w ? 0xFFFF_FFFFUL : ulong.MaxValue;
        ulong Num(string t) => unchecked((ulong)long.Parse(t, CultureInfo.InvariantCulture));
        int shift = d.Length > 3 && d[3].StartsWith("lsl", StringComparison.Ordinal) ? int.Parse(d[3][3..], CultureInfo.InvariantCulture) : 0;
        ulong? value = d[0] switch
        {
            "movz" when d.Length >= 3 => Num(d[2]) << shift,
            "movn" when d.Length >= 3 => ~(Num(d[2]) << shift) & mask,
            "orr" when d.Length == 4 && d[2] is "wzr" or "xzr" && long.TryParse(d[3], CultureInfo.InvariantCulture, out _) => Num(d[3]) & mask,
            _ => null,
        };
        return value is ulong v ? new[] { "mov", d[1], Signed(v, false) } : d;
    }

    /// <summary>True when the comment's tokens agree with Capstone's (the comment may stop early).</summary>
    private static bool Agrees(string[] said, string[] actual)
    {
        if (said[0] == "mov" && actual[0] != "mov") actual = PreferredMov(actual);
        if (said[0] == "bfc" && actual[0] != "bfc" && said.Length > 1)                                // BFC Rd = BFI Rd, ZR (Capstone predates BFC)
            said = new[] { "bfi", said[1], said[1].StartsWith('w') ? "wzr" : "xzr" }.Concat(said.Skip(2)).ToArray();
        if (said[0] != actual[0] || said.Length > actual.Length) return false;
        for (int i = 1; i < said.Length; i++)
        {
            string c = said[i], d = actual[i];
            if (c == d || Condition(c) == Condition(d)) continue;
            if (c is "x" or "w" && d.StartsWith(c, StringComparison.Ordinal) && Register.IsMatch(d)) continue;
            if (c.StartsWith('.') && !c.StartsWith(".+", StringComparison.Ordinal) && !c.StartsWith(".-", StringComparison.Ordinal) && d.EndsWith(c, StringComparison.Ordinal)) continue;
            bool pcRelative = (PcRelative.Contains(actual[0]) || actual[0].StartsWith("b.", StringComparison.Ordinal)) && i == actual.Length - 1;
            if (pcRelative && Label.IsMatch(c) && !Register.IsMatch(c) && long.TryParse(d, CultureInfo.InvariantCulture, out long target))
            {
                if (!c.StartsWith('.') || c == ".") continue;                       // a named label: any target
                if (long.Parse(c[1..], CultureInfo.InvariantCulture) == target - (long)Base) continue;
            }
            return false;
        }
        return true;
    }

    [Fact]
    public void EveryEncodingCommentIsTheEncodingsDisassembly()
    {
        using var cs = CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
        var claims = Claims().ToList();
        string Disassemble(uint w)
        {
            var ins = cs.Disassemble(BitConverter.GetBytes(w), (long)Base);
            return ins.Length == 0 ? "" : (ins[0].Mnemonic + " " + ins[0].Operand).Trim();
        }
        var disassembly = claims.Select(c => c.Word).Distinct().ToDictionary(w => w, Disassemble);
        var heads = A64Table.Rows.Select(RowMnemonic).Distinct().ToArray();
        var mnemonics = new HashSet<string>(heads) { "bfc" };
        mnemonics.UnionWith(disassembly.Values.Where(d => d.Length > 0).Select(FirstWord));
        mnemonics.UnionWith(claims.Select(c => FirstWord(c.Text)).Where(m => heads.Any(h => OfRow(m, h))));

        int compared = 0, byRow = 0, unallocated = 0, prose = 0;
        var wrong = new List<string>();
        var notDisassembly = new List<string>();
        foreach (var claim in claims)
        {
            string asm = AsmPart(claim.Text, mnemonics);
            if (asm.Length == 0 || !mnemonics.Contains(FirstWord(asm))) { prose++; notDisassembly.Add(claim.ToString()); continue; }
            var row = A64Decoder.FindRow(claim.Word);
            string capstone = disassembly[claim.Word];
            if (row == null)
            {
                // A described unallocated variant: the word must really be unallocated, and the comment must say how.
                unallocated++;
                if (!Regex.IsMatch(claim.Text, @"\bwith\b|unallocated|reserved|UNDEFINED|=|FEAT_", RegexOptions.IgnoreCase))
                    wrong.Add($"{claim}  ==> unallocated (our decoder), Capstone: {(capstone.Length > 0 ? capstone : "invalid")}");
                continue;
            }
            if (capstone.Length == 0)
            {
                byRow++;                                                         // Capstone predates the extension
                if (!OfRow(FirstWord(asm), RowMnemonic(row))) wrong.Add($"{claim}  ==> row {row.Name}, Capstone: invalid");
                continue;
            }
            compared++;
            if (!Agrees(Tokens(asm), Tokens(capstone))) wrong.Add($"{claim}  ==> {capstone}");
        }
        _out.WriteLine($"{claims.Count} commented encodings: {compared} checked against Capstone, {byRow} by decode-row mnemonic " +
            $"(Capstone cannot decode), {unallocated} described unallocated encodings, {prose} comments that are not disassembly");
        foreach (var w in wrong) _out.WriteLine(w);
        _out.WriteLine("Comments that are not disassembly (not checked):");
        foreach (var p in notDisassembly) _out.WriteLine("  " + p);
        Assert.True(wrong.Count == 0, $"{wrong.Count} encoding comments disagree with the encoding:\n" + string.Join("\n", wrong));
        Assert.True(compared > 500, $"only {compared} comments were compared: the scan is broken");
    }
}
