// Parser for the A64 decode table (specs/a64/*.decode).
// This one file is compiled into the source generator (netstandard2.0) and into Arm64Vm.Cpu,
// so the generator, the runtime decoder and the tests all read the table the same way.
//
// Table syntax (see specs/a64/README.md):
//   # comment                      (anywhere; runs to end of line)
//   {                              opens a priority group: overlapping rows inside it are tried in order
//   }                              closes the group
//   @class PREFIX ATTR...          sets the attributes (fp, ends, pure) on every row of this file whose class is
//                                  PREFIX or starts with "PREFIX."
//   NAME  CLASS  PATTERN...  [exec=Handler[(name=value, ...)]] [valid=Validator] [imm=Predecode] [fp] [ends] [chain]
//                            [fuse] [pure] [spec=field:value]...
// PATTERN tokens concatenate, most significant bit first, to exactly 32 bits:
//   0 / 1      fixed bits
//   - or .     don't-care bits
//   name:W     a named field of W bits (its bits are don't-care for matching)
using System;
using System.Collections.Generic;
using System.Globalization;

namespace Arm64Vm.Cpu.Decoding;

public sealed class DecodeFieldSpec
{
    public DecodeFieldSpec(string name, int lsb, int width) { Name = name; Lsb = lsb; Width = width; }
    public string Name { get; }
    public int Lsb { get; }
    public int Width { get; }
    public uint Extract(uint word) => (uint)((word >> Lsb) & ((1UL << Width) - 1));
}

public sealed class DecodeRowSpec
{
    public string Name = "";
    public string Class = "";
    public string File = "";
    public int Line;
    public uint Mask;
    public uint Value;
    public int Group = -1;
    public string Handler = "";
    public string? Validator;
    public string? Predecode;
    public List<DecodeFieldSpec> Fields = new List<DecodeFieldSpec>();
    /// <summary>Constants the row passes to its handler (<c>exec=H(name=value, ...)</c>), in the order written.</summary>
    public List<KeyValuePair<string, string>> Constants = new List<KeyValuePair<string, string>>();
    /// <summary>The row needs SIMD&amp;FP access (attribute <c>fp</c>): the dispatch checks CPACR_EL1.FPEN first.</summary>
    public bool Fp;
    /// <summary>Decode-time specialisations (<c>spec=field:value</c>): a word whose field has that value decodes to a variant op.</summary>
    public List<KeyValuePair<string, uint>> Specs = new List<KeyValuePair<string, uint>>();
    /// <summary>The row ends a straight-line block (attribute <c>ends</c>, or its class is a branch/exception/system class).</summary>
    public bool EndsBlock;
    /// <summary>
    /// The row is a direct branch (attribute <c>chain</c>): its only effects are NextPc (PC-relative) and possibly a
    /// register; it cannot fault, read the count or change PSTATE, so the run loop may continue its block at the target.
    /// </summary>
    public bool Chains;
    /// <summary>
    /// CPU-FUSE-1: the row sets NZCV and nothing else of PSTATE, cannot fault, trap or read the PC (attribute <c>fuse</c>):
    /// directly followed by a B.cond in the same page, the run loop executes the pair as one step.
    /// </summary>
    public bool Fuses;
    /// <summary>
    /// CPU-RUN-4: the row only reads and writes general-purpose registers and NZCV: it cannot fault, trap, read the PC or
    /// NextPc, or raise an event (attribute <c>pure</c>, usually per class), so the run loop stores neither PC nor NextPc
    /// for it and tests no event after it.
    /// </summary>
    public bool Pure;

    public bool Matches(uint word) => (word & Mask) == Value;

    /// <summary>True if some 32-bit word matches both rows.</summary>
    public bool Overlaps(DecodeRowSpec other) => ((Value ^ other.Value) & Mask & other.Mask) == 0;

    public string Pattern
    {
        get
        {
            var chars = new char[32];
            for (int bit = 31; bit >= 0; bit--)
            {
                uint m = 1u << bit;
                chars[31 - bit] = (Mask & m) == 0 ? '-' : ((Value & m) != 0 ? '1' : '0');
            }
            return new string(chars);
        }
    }
}

public sealed class DecodeTableError
{
    public DecodeTableError(string file, int line, string message) { File = file; Line = line; Message = message; }
    public string File { get; }
    public int Line { get; }
    public string Message { get; }
    public override string ToString() => File + ":" + Line + ": " + Message;
}

public static class DecodeTableParser
{
    /// <summary>Parses one .decode file. Group ids are made unique per file by offsetting with groupBase.</summary>
    public static List<DecodeRowSpec> Parse(string fileName, string text, List<DecodeTableError> errors, ref int groupCounter)
    {
        var rows = new List<DecodeRowSpec>();
        var classAttributes = new List<KeyValuePair<string, string>>();
        int currentGroup = -1;
        int groupOpenLine = 0;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line.Substring(0, hash);
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line == "{")
            {
                if (currentGroup >= 0) errors.Add(new DecodeTableError(fileName, lineNo, "nested groups are not supported"));
                currentGroup = groupCounter++;
                groupOpenLine = lineNo;
                continue;
            }
            if (line == "}")
            {
                if (currentGroup < 0) errors.Add(new DecodeTableError(fileName, lineNo, "'}' without '{'"));
                currentGroup = -1;
                continue;
            }
            var tokens = Tokenize(line);
            if (tokens[0] == "@class")
            {
                if (tokens.Length < 3) errors.Add(new DecodeTableError(fileName, lineNo, "@class needs a class prefix and at least one attribute"));
                for (int t = 2; t < tokens.Length; t++)
                {
                    if (tokens[t] != "fp" && tokens[t] != "ends" && tokens[t] != "pure") errors.Add(new DecodeTableError(fileName, lineNo, "unknown class attribute '" + tokens[t] + "'"));
                    else classAttributes.Add(new KeyValuePair<string, string>(tokens[1], tokens[t]));
                }
                continue;
            }
            if (tokens.Length < 3)
            {
                errors.Add(new DecodeTableError(fileName, lineNo, "a row needs NAME CLASS PATTERN"));
                continue;
            }
            var row = new DecodeRowSpec { Name = tokens[0], Class = tokens[1], File = fileName, Line = lineNo, Group = currentGroup };
            row.Handler = row.Name;
            if (!IsIdentifier(row.Name)) errors.Add(new DecodeTableError(fileName, lineNo, "row name '" + row.Name + "' is not an identifier"));
            int bit = 32;
            bool ok = true;
            for (int t = 2; t < tokens.Length && ok; t++)
            {
                string tok = tokens[t];
                if (tok == "fp") { row.Fp = true; continue; }
                if (tok == "ends") { row.EndsBlock = true; continue; }
                if (tok == "chain") { row.Chains = true; continue; }
                if (tok == "fuse") { row.Fuses = true; continue; }
                if (tok == "pure") { row.Pure = true; continue; }
                int paren = tok.IndexOf('(');
                if (tok.StartsWith("exec=", StringComparison.Ordinal) && paren > 0)
                {
                    if (!tok.EndsWith(")", StringComparison.Ordinal) || !ParseConstants(tok.Substring(paren + 1, tok.Length - paren - 2), row.Constants))
                    {
                        errors.Add(new DecodeTableError(fileName, lineNo, "bad handler constants in '" + tok + "' (expected exec=Handler(name=value, ...))"));
                        ok = false; break;
                    }
                    tok = tok.Substring(0, paren);
                }
                int eq = tok.IndexOf('=');
                if (eq > 0)
                {
                    string key = tok.Substring(0, eq), val = tok.Substring(eq + 1);
                    if (key == "spec")
                    {
                        int sc = val.IndexOf(':');
                        if (sc <= 0 || !IsIdentifier(val.Substring(0, sc)) || !uint.TryParse(val.Substring(sc + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint specValue))
                        {
                            errors.Add(new DecodeTableError(fileName, lineNo, "bad specialisation '" + tok + "' (expected spec=field:value)"));
                            ok = false; break;
                        }
                        row.Specs.Add(new KeyValuePair<string, uint>(val.Substring(0, sc), specValue));
                        continue;
                    }
                    if (!IsIdentifier(val)) { errors.Add(new DecodeTableError(fileName, lineNo, "'" + val + "' is not an identifier")); ok = false; break; }
                    switch (key)
                    {
                        case "exec": row.Handler = val; break;
                        case "valid": row.Validator = val; break;
                        case "imm": row.Predecode = val; break;
                        default: errors.Add(new DecodeTableError(fileName, lineNo, "unknown attribute '" + key + "'")); ok = false; break;
                    }
                    continue;
                }
                int colon = tok.IndexOf(':');
                if (colon > 0)
                {
                    string fname = tok.Substring(0, colon);
                    if (!int.TryParse(tok.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1 || width > 32 || !IsIdentifier(fname))
                    {
                        errors.Add(new DecodeTableError(fileName, lineNo, "bad field '" + tok + "'"));
                        ok = false; break;
                    }
                    bit -= width;
                    if (bit < 0) break;
                    row.Fields.Add(new DecodeFieldSpec(fname, bit, width));
                    continue;
                }
                foreach (char c in tok)
                {
                    bit--;
                    if (bit < 0) break;
                    switch (c)
                    {
                        case '0': row.Mask |= 1u << bit; break;
                        case '1': row.Mask |= 1u << bit; row.Value |= 1u << bit; break;
                        case '-': case '.': break;
                        default:
                            errors.Add(new DecodeTableError(fileName, lineNo, "unexpected character '" + c + "' in pattern"));
                            ok = false; break;
                    }
                    if (!ok) break;
                }
            }
            if (!ok) continue;
            foreach (var spec in row.Specs)
            {
                var field = row.Fields.Find(f => f.Name == spec.Key);
                if (field == null || (field.Width < 32 && spec.Value >> field.Width != 0))
                    errors.Add(new DecodeTableError(fileName, lineNo, "spec=" + spec.Key + ":" + spec.Value + " names no field value of row '" + row.Name + "'"));
            }
            if (bit != 0)
            {
                errors.Add(new DecodeTableError(fileName, lineNo, "pattern of row '" + row.Name + "' is " + (32 - bit) + " bits, not 32"));
                continue;
            }
            if (row.Pure && (row.EndsBlock || row.Chains))
                errors.Add(new DecodeTableError(fileName, lineNo, "row '" + row.Name + "' is pure, so it cannot end a block (ends, chain)"));
            rows.Add(row);
        }
        if (currentGroup >= 0) errors.Add(new DecodeTableError(fileName, groupOpenLine, "group opened here is never closed"));
        foreach (var attribute in classAttributes)
            foreach (var row in rows)
            {
                if (!(row.Class == attribute.Key || row.Class.StartsWith(attribute.Key + ".", StringComparison.Ordinal))) continue;
                if (attribute.Value == "fp") row.Fp = true;
                else if (attribute.Value == "pure") row.Pure = true;
                else if (!row.Pure) row.EndsBlock = true;     // CPU-RUN-6: a row marked pure itself never ends a block
            }
        return rows;
    }

    /// <summary>Splits a row at white space, except inside the parentheses of <c>exec=H(a=1, b=2)</c>.</summary>
    private static string[] Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        int depth = 0;
        foreach (char c in line)
        {
            if (c == '(') depth++;
            else if (c == ')') depth--;
            if ((c == ' ' || c == '\t') && depth <= 0)
            {
                if (current.Length > 0) { tokens.Add(current.ToString()); current.Clear(); }
                continue;
            }
            if (c != ' ' && c != '\t') current.Append(c);
        }
        if (current.Length > 0) tokens.Add(current.ToString());
        return tokens.ToArray();
    }

    /// <summary>Parses <c>name=value, ...</c>: names are identifiers, values (dotted) identifiers or (hex) integers.</summary>
    private static bool ParseConstants(string list, List<KeyValuePair<string, string>> into)
    {
        if (list.Length == 0) return false;
        foreach (var item in list.Split(','))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) return false;
            string name = item.Substring(0, eq), value = item.Substring(eq + 1);
            if (!IsIdentifier(name) || !(IsDottedIdentifier(value) || IsInteger(value))) return false;
            foreach (var c in into) if (c.Key == name) return false;
            into.Add(new KeyValuePair<string, string>(name, value));
        }
        return true;
    }

    private static bool IsDottedIdentifier(string s)
    {
        foreach (var part in s.Split('.')) if (!IsIdentifier(part)) return false;
        return true;
    }

    private static bool IsInteger(string s)
    {
        if (s.StartsWith("-", StringComparison.Ordinal)) s = s.Substring(1);
        if (s.StartsWith("0x", StringComparison.Ordinal))
            return s.Length > 2 && ulong.TryParse(s.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    public static bool IsIdentifier(string s)
    {
        if (string.IsNullOrEmpty(s)) return false;
        if (!(char.IsLetter(s[0]) || s[0] == '_')) return false;
        foreach (char c in s) if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
        return true;
    }
}
