using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Decode checks for the data-processing rows (specs/a64/dp_imm.decode, dp_reg.decode): words assembled with
/// aarch64-linux-gnu-as (binutils 2.40, -march armv8.2-a+crc) decode to their row; reserved and unimplemented
/// encodings decode as unallocated.
/// </summary>
public class DataProcessingDecodeTests
{
    public static readonly (uint Word, A64Op Op)[] Assembled =
    {
        (0x10000020u, A64Op.ADR), // adr x0, .+4
        (0x1080001Eu, A64Op.ADR), // adr x30, .-1048576
        (0x707FFFFFu, A64Op.ADR), // adr xzr, .+1048575
        (0xB0000001u, A64Op.ADRP), // adrp x1, .+4096 (objdump of .inst: adrp x1, 0x1000)
        (0x9080001Du, A64Op.ADRP), // adrp x29, .-4294967296 (objdump of .inst: adrp x29, -0x100000000)
        (0x11000420u, A64Op.ADD_imm_w), // add w0, w1, #1
        (0x117FFFFFu, A64Op.ADD_imm_w), // add wsp, wsp, #4095, lsl #12
        (0x110003E3u, A64Op.ADD_imm_w), // mov w3, wsp
        (0x31000020u, A64Op.ADDS_imm_w), // adds w0, w1, #0
        (0x31001C5Fu, A64Op.ADDS_imm_w), // cmn w2, #7
        (0x510190C5u, A64Op.SUB_imm_w), // sub w5, w6, #100
        (0x5140043Fu, A64Op.SUB_imm_w), // sub wsp, w1, #1, lsl #12
        (0x71000820u, A64Op.SUBS_imm_w), // subs w0, w1, #2
        (0x713FFFFFu, A64Op.SUBS_imm_w), // cmp wsp, #4095
        (0x910043E0u, A64Op.ADD_imm_x), // add x0, sp, #16
        (0x9100003Fu, A64Op.ADD_imm_x), // mov sp, x1
        (0xB13FFC20u, A64Op.ADDS_imm_x), // adds x0, x1, #4095
        (0xB14007FFu, A64Op.ADDS_imm_x), // cmn sp, #1, lsl #12
        (0xD10403FFu, A64Op.SUB_imm_x), // sub sp, sp, #0x100
        (0xD10007BEu, A64Op.SUB_imm_x), // sub x30, x29, #1
        (0xF10007E0u, A64Op.SUBS_imm_x), // subs x0, sp, #1
        (0xF10000BFu, A64Op.SUBS_imm_x), // cmp x5, #0
        (0x12001C20u, A64Op.AND_imm_w), // and w0, w1, #0xff
        (0x1201005Fu, A64Op.AND_imm_w), // and wsp, w2, #0x80000000
        (0x3200F3E0u, A64Op.ORR_imm_w), // orr w0, wzr, #0x55555555
        (0x12800021u, A64Op.MOVN_w), // mov w1, #0xfffffffe (the assembler prefers MOVN)
        (0x321F7841u, A64Op.ORR_imm_w), // orr w1, w2, #0xfffffffe
        (0x5200CC83u, A64Op.EOR_imm_w), // eor w3, w4, #0x0f0f0f0f
        (0x72007820u, A64Op.ANDS_imm_w), // ands w0, w1, #0x7fffffff
        (0x7200005Fu, A64Op.ANDS_imm_w), // tst w2, #1
        (0x92607C20u, A64Op.AND_imm_x), // and x0, x1, #0xffffffff00000000
        (0x927CEC1Fu, A64Op.AND_imm_x), // and sp, x0, #0xfffffffffffffff0
        (0xB200F3E0u, A64Op.ORR_imm_x), // orr x0, xzr, #0x5555555555555555
        (0xB24107E2u, A64Op.ORR_imm_x), // mov x2, #0x8000000000000001
        (0xD2400083u, A64Op.EOR_imm_x), // eor x3, x4, #0x1
        (0xF27FF420u, A64Op.ANDS_imm_x), // ands x0, x1, #0x7ffffffffffffffe
        (0xF241013Fu, A64Op.ANDS_imm_x), // tst x9, #0x8000000000000000
        (0x12800000u, A64Op.MOVN_w), // movn w0, #0
        (0x12BFFFE1u, A64Op.MOVN_w), // movn w1, #0xffff, lsl #16
        (0x52A00020u, A64Op.MOVZ_w), // movz w0, #1, lsl #16
        (0x529FFFFFu, A64Op.MOVZ_w), // movz wzr, #0xffff
        (0x72824680u, A64Op.MOVK_w), // movk w0, #0x1234
        (0x72A24680u, A64Op.MOVK_w), // movk w0, #0x1234, lsl #16
        (0x92800000u, A64Op.MOVN_x), // movn x0, #0
        (0x92F00000u, A64Op.MOVN_x), // movn x0, #0x8000, lsl #48
        (0xD2D579A0u, A64Op.MOVZ_x), // movz x0, #0xabcd, lsl #32
        (0xD2800020u, A64Op.MOVZ_x), // movz x0, #1
        (0xF2FFFFE0u, A64Op.MOVK_x), // movk x0, #0xffff, lsl #48
        (0xF280001Eu, A64Op.MOVK_x), // movk x30, #0
        (0x131F7C20u, A64Op.SBFM_w), // asr w0, w1, #31
        (0x13001C20u, A64Op.SBFM_w), // sxtb w0, w1
        (0x13042C20u, A64Op.SBFM_w), // sbfx w0, w1, #4, #8
        (0x13010020u, A64Op.SBFM_w), // sbfiz w0, w1, #31, #1
        (0x33180C20u, A64Op.BFM_w), // bfi w0, w1, #8, #4
        (0x33007C20u, A64Op.BFM_w), // bfxil w0, w1, #0, #32
        (0x531F7820u, A64Op.UBFM_w), // lsl w0, w1, #1
        (0x531F7C20u, A64Op.UBFM_w), // lsr w0, w1, #31
        (0x53003C20u, A64Op.UBFM_w), // uxth w0, w1
        (0x53031C20u, A64Op.UBFM_w), // ubfx w0, w1, #3, #5
        (0x937FFC20u, A64Op.SBFM_x), // asr x0, x1, #63
        (0x93407C20u, A64Op.SBFM_x), // sxtw x0, w1
        (0x937CFC20u, A64Op.SBFM_x), // asr x0, x1, #60 (= sbfx x0, x1, #60, #4)
        (0xB3607C20u, A64Op.BFM_x), // bfi x0, x1, #32, #32
        (0xB341FC20u, A64Op.BFM_x), // bfxil x0, x1, #1, #63
        (0xB37C1FE0u, A64Op.BFM_x), // bfc x0, #4, #8
        (0xD3410020u, A64Op.UBFM_x), // lsl x0, x1, #63
        (0xD341FC20u, A64Op.UBFM_x), // lsr x0, x1, #1
        (0xD37E7420u, A64Op.UBFM_x), // ubfiz x0, x1, #2, #30
        (0x13827C20u, A64Op.EXTR_w), // extr w0, w1, w2, #31
        (0x13830463u, A64Op.EXTR_w), // ror w3, w3, #1
        (0x93C2FC20u, A64Op.EXTR_x), // extr x0, x1, x2, #63
        (0x93C08000u, A64Op.EXTR_x), // ror x0, x0, #32
        (0x0A020020u, A64Op.AND_sreg_w), // and w0, w1, w2
        (0x0AC27C20u, A64Op.AND_sreg_w), // and w0, w1, w2, ror #31
        (0x0A220C20u, A64Op.BIC_sreg_w), // bic w0, w1, w2, lsl #3
        (0x2A0103E0u, A64Op.ORR_sreg_w), // mov w0, w1
        (0x2A827C20u, A64Op.ORR_sreg_w), // orr w0, w1, w2, asr #31
        (0x2A2103E0u, A64Op.ORN_sreg_w), // mvn w0, w1
        (0x2A620420u, A64Op.ORN_sreg_w), // orn w0, w1, w2, lsr #1
        (0x4A020020u, A64Op.EOR_sreg_w), // eor w0, w1, w2
        (0x4AE21C20u, A64Op.EON_sreg_w), // eon w0, w1, w2, ror #7
        (0x6A020020u, A64Op.ANDS_sreg_w), // ands w0, w1, w2
        (0x6A017C1Fu, A64Op.ANDS_sreg_w), // tst w0, w1, lsl #31
        (0x6A220020u, A64Op.BICS_sreg_w), // bics w0, w1, w2
        (0x8A02FC20u, A64Op.AND_sreg_x), // and x0, x1, x2, lsl #63
        (0x8A220020u, A64Op.BIC_sreg_x), // bic x0, x1, x2
        (0xAA0103E0u, A64Op.ORR_sreg_x), // mov x0, x1
        (0xAAC2FC20u, A64Op.ORR_sreg_x), // orr x0, x1, x2, ror #63
        (0xAA2103E0u, A64Op.ORN_sreg_x), // mvn x0, x1
        (0xCA428020u, A64Op.EOR_sreg_x), // eor x0, x1, x2, lsr #32
        (0xCA220020u, A64Op.EON_sreg_x), // eon x0, x1, x2
        (0xEA820420u, A64Op.ANDS_sreg_x), // ands x0, x1, x2, asr #1
        (0xEA01001Fu, A64Op.ANDS_sreg_x), // tst x0, x1
        (0xEA22003Fu, A64Op.BICS_sreg_x), // bics xzr, x1, x2
        (0x0B020020u, A64Op.ADD_sreg_w), // add w0, w1, w2
        (0x0B027C20u, A64Op.ADD_sreg_w), // add w0, w1, w2, lsl #31
        (0x2B821420u, A64Op.ADDS_sreg_w), // adds w0, w1, w2, asr #5
        (0x2B02003Fu, A64Op.ADDS_sreg_w), // cmn w1, w2
        (0x4B427C20u, A64Op.SUB_sreg_w), // sub w0, w1, w2, lsr #31
        (0x4B0103E0u, A64Op.SUB_sreg_w), // neg w0, w1
        (0x6B020020u, A64Op.SUBS_sreg_w), // subs w0, w1, w2
        (0x6B02103Fu, A64Op.SUBS_sreg_w), // cmp w1, w2, lsl #4
        (0x8B02FC20u, A64Op.ADD_sreg_x), // add x0, x1, x2, lsl #63
        (0x8B020020u, A64Op.ADD_sreg_x), // add x0, x1, x2
        (0xAB020020u, A64Op.ADDS_sreg_x), // adds x0, x1, x2
        (0xCB82FC20u, A64Op.SUB_sreg_x), // sub x0, x1, x2, asr #63
        (0xCB0103E0u, A64Op.SUB_sreg_x), // neg x0, x1
        (0xEB01001Fu, A64Op.SUBS_sreg_x), // cmp x0, x1
        (0xEB010BE0u, A64Op.SUBS_sreg_x), // negs x0, x1, lsl #2
        (0x0B220020u, A64Op.ADD_ereg_w), // add w0, w1, w2, uxtb
        (0x0B22B3FFu, A64Op.ADD_ereg_w), // add wsp, wsp, w2, sxth #4
        (0x2B224BE0u, A64Op.ADDS_ereg_w), // adds w0, wsp, w2, lsl #2 (LSL is preferred for UXTW with WSP)
        (0x4B228420u, A64Op.SUB_ereg_w), // sub w0, w1, w2, sxtb #1
        (0x6B2223FFu, A64Op.SUBS_ereg_w), // cmp wsp, w2, uxth
        (0x8B2163E0u, A64Op.ADD_ereg_x), // add x0, sp, x1
        (0x8B22CC20u, A64Op.ADD_ereg_x), // add x0, x1, w2, sxtw #3
        (0x8B2143FFu, A64Op.ADD_ereg_x), // add sp, sp, w1, uxtw
        (0xAB221020u, A64Op.ADDS_ereg_x), // adds x0, x1, w2, uxtb #4
        (0xCB21EBFFu, A64Op.SUB_ereg_x), // sub sp, sp, x1, sxtx #2
        (0xEB2163FFu, A64Op.SUBS_ereg_x), // cmp sp, x1
        (0xEB22A020u, A64Op.SUBS_ereg_x), // subs x0, x1, w2, sxth
        (0x1A020020u, A64Op.ADC), // adc w0, w1, w2
        (0x9A020020u, A64Op.ADC), // adc x0, x1, x2
        (0xBA020020u, A64Op.ADCS), // adcs x0, x1, x2
        (0x3A1F03E0u, A64Op.ADCS), // adcs w0, wzr, wzr
        (0xDA020020u, A64Op.SBC), // sbc x0, x1, x2
        (0x5A0103E0u, A64Op.SBC), // ngc w0, w1
        (0xFA020020u, A64Op.SBCS), // sbcs x0, x1, x2
        (0x7A0103E0u, A64Op.SBCS), // ngcs w0, w1
        (0x3A410000u, A64Op.CCMN_reg), // ccmn w0, w1, #0, eq
        (0xBA41F00Fu, A64Op.CCMN_reg), // ccmn x0, x1, #15, nv
        (0xFA411004u, A64Op.CCMP_reg), // ccmp x0, x1, #4, ne
        (0x7A41E008u, A64Op.CCMP_reg), // ccmp w0, w1, #8, al
        (0xBA5F8802u, A64Op.CCMN_imm), // ccmn x0, #31, #2, hi
        (0x3A40B801u, A64Op.CCMN_imm), // ccmn w0, #0, #1, lt
        (0xFA41A800u, A64Op.CCMP_imm), // ccmp x0, #1, #0, ge
        (0x7A5FD80Fu, A64Op.CCMP_imm), // ccmp w0, #31, #15, le
        (0x1A820020u, A64Op.CSEL_w), // csel w0, w1, w2, eq
        (0x1A82F3E0u, A64Op.CSEL_w), // csel w0, wzr, w2, nv
        (0x1A9F07E0u, A64Op.CSINC_w), // cset w0, ne
        (0x1A813420u, A64Op.CSINC_w), // cinc w0, w1, cs
        (0x5A9F13E0u, A64Op.CSINV_w), // csetm w0, eq
        (0x5A824020u, A64Op.CSINV_w), // csinv w0, w1, w2, mi
        (0x5A817420u, A64Op.CSNEG_w), // cneg w0, w1, vs
        (0x5A825420u, A64Op.CSNEG_w), // csneg w0, w1, w2, pl
        (0x9A82B020u, A64Op.CSEL_x), // csel x0, x1, x2, lt
        (0x9A82C420u, A64Op.CSINC_x), // csinc x0, x1, x2, gt
        (0x9A9F97E0u, A64Op.CSINC_x), // cset x0, hi
        (0xDA818020u, A64Op.CSINV_x), // cinv x0, x1, ls
        (0xDA82E420u, A64Op.CSNEG_x), // csneg x0, x1, x2, al
        (0x1AC20820u, A64Op.UDIV), // udiv w0, w1, w2
        (0x9AC20820u, A64Op.UDIV), // udiv x0, x1, x2
        (0x1AC20C20u, A64Op.SDIV), // sdiv w0, w1, w2
        (0x9AC20C20u, A64Op.SDIV), // sdiv x0, x1, x2
        (0x1AC22020u, A64Op.LSLV), // lsl w0, w1, w2
        (0x9AC22020u, A64Op.LSLV), // lsl x0, x1, x2 (lslv)
        (0x9AC22420u, A64Op.LSRV), // lsr x0, x1, x2
        (0x1AC22420u, A64Op.LSRV), // lsr w0, w1, w2 (lsrv)
        (0x9AC22820u, A64Op.ASRV), // asr x0, x1, x2
        (0x1AC22820u, A64Op.ASRV), // asr w0, w1, w2 (asrv)
        (0x9AC22C20u, A64Op.RORV), // ror x0, x1, x2
        (0x1AC22C20u, A64Op.RORV), // ror w0, w1, w2 (rorv)
        (0x1AC24020u, A64Op.CRC32B), // crc32b w0, w1, w2
        (0x1AC24420u, A64Op.CRC32H), // crc32h w0, w1, w2
        (0x1AC24820u, A64Op.CRC32W), // crc32w w0, w1, w2
        (0x9AC24C20u, A64Op.CRC32X), // crc32x w0, w1, x2
        (0x1AC25020u, A64Op.CRC32CB), // crc32cb w0, w1, w2
        (0x1AC25420u, A64Op.CRC32CH), // crc32ch w0, w1, w2
        (0x1AC25820u, A64Op.CRC32CW), // crc32cw w0, w1, w2
        (0x9AC25C20u, A64Op.CRC32CX), // crc32cx w0, w1, x2
        (0x5AC00020u, A64Op.RBIT), // rbit w0, w1
        (0xDAC00020u, A64Op.RBIT), // rbit x0, x1
        (0x5AC00420u, A64Op.REV16), // rev16 w0, w1
        (0xDAC00420u, A64Op.REV16), // rev16 x0, x1
        (0x5AC00820u, A64Op.REV_w), // rev w0, w1
        (0xDAC00820u, A64Op.REV32), // rev32 x0, x1
        (0xDAC00C20u, A64Op.REV_x), // rev x0, x1
        (0x5AC01020u, A64Op.CLZ), // clz w0, w1
        (0xDAC01020u, A64Op.CLZ), // clz x0, x1
        (0x5AC01420u, A64Op.CLS), // cls w0, w1
        (0xDAC01420u, A64Op.CLS), // cls x0, x1
        (0x1B020C20u, A64Op.MADD_w), // madd w0, w1, w2, w3
        (0x1B027C20u, A64Op.MADD_w), // mul w0, w1, w2
        (0x1B028C20u, A64Op.MSUB_w), // msub w0, w1, w2, w3
        (0x1B02FC20u, A64Op.MSUB_w), // mneg w0, w1, w2
        (0x9B020C20u, A64Op.MADD_x), // madd x0, x1, x2, x3
        (0x9B027C20u, A64Op.MADD_x), // mul x0, x1, x2
        (0x9B028C20u, A64Op.MSUB_x), // msub x0, x1, x2, x3
        (0x9B02FC20u, A64Op.MSUB_x), // mneg x0, x1, x2
        (0x9B220C20u, A64Op.SMADDL), // smaddl x0, w1, w2, x3
        (0x9B227C20u, A64Op.SMADDL), // smull x0, w1, w2
        (0x9B228C20u, A64Op.SMSUBL), // smsubl x0, w1, w2, x3
        (0x9B22FC20u, A64Op.SMSUBL), // smnegl x0, w1, w2
        (0x9B427C20u, A64Op.SMULH), // smulh x0, x1, x2
        (0x9BA20C20u, A64Op.UMADDL), // umaddl x0, w1, w2, x3
        (0x9BA27C20u, A64Op.UMADDL), // umull x0, w1, w2
        (0x9BA28C20u, A64Op.UMSUBL), // umsubl x0, w1, w2, x3
        (0x9BA2FC20u, A64Op.UMSUBL), // umnegl x0, w1, w2
        (0x9BC27C20u, A64Op.UMULH), // umulh x0, x1, x2
        (0x2B2193FFu, A64Op.ADDS_ereg_w), // cmn wsp, w1, sxtb #4
        (0xAB2173FFu, A64Op.ADDS_ereg_x), // cmn sp, x1, lsl #4 (adds xzr, sp, x1, lsl #4)
        (0xAB41FC1Fu, A64Op.ADDS_sreg_x), // cmn x0, x1, lsr #63
        (0x8A1F03FFu, A64Op.AND_sreg_x), // and xzr, xzr, xzr
        (0x6AE27C20u, A64Op.BICS_sreg_w), // bics w0, w1, w2, ror #31
        (0xEAA2FC20u, A64Op.BICS_sreg_x), // bics x0, x1, x2, asr #63
        (0x0AA2043Fu, A64Op.BIC_sreg_w), // bic wzr, w1, w2, asr #1
        (0x8AE20420u, A64Op.BIC_sreg_x), // bic x0, x1, x2, ror #1
        (0x1ADD43FEu, A64Op.CRC32B), // crc32b w30, wzr, w29
        (0x1ADF53DFu, A64Op.CRC32CB), // crc32cb wzr, w30, wzr
        (0x1AC55483u, A64Op.CRC32CH), // crc32ch w3, w4, w5
        (0x1ADE5BDEu, A64Op.CRC32CW), // crc32cw w30, w30, w30
        (0x9ADF5D49u, A64Op.CRC32CX), // crc32cx w9, w10, xzr
        (0x1ACB4549u, A64Op.CRC32H), // crc32h w9, w10, w11
        (0x1ADF4BFFu, A64Op.CRC32W), // crc32w wzr, wzr, wzr
        (0x9ADC4FBEu, A64Op.CRC32X), // crc32x w30, w29, x28
        (0x9A9F33DFu, A64Op.CSEL_x), // csel xzr, x30, xzr, cc
        (0xDA827020u, A64Op.CSINV_x), // csinv x0, x1, x2, vc
        (0xDA81C420u, A64Op.CSNEG_x), // cneg x0, x1, le
        (0x4A220020u, A64Op.EON_sreg_w), // eon w0, w1, w2
        (0xCA22FC20u, A64Op.EON_sreg_x), // eon x0, x1, x2, lsl #63
        (0x521F789Fu, A64Op.EOR_imm_w), // eor wsp, w4, #0xfffffffe
        (0xD201F083u, A64Op.EOR_imm_x), // eor x3, x4, #0xaaaaaaaaaaaaaaaa
        (0x4A027C20u, A64Op.EOR_sreg_w), // eor w0, w1, w2, lsl #31
        (0xCA02003Fu, A64Op.EOR_sreg_x), // eor xzr, x1, x2
        (0xAAE28020u, A64Op.ORN_sreg_x), // orn x0, x1, x2, ror #32
        (0xDAC00BDFu, A64Op.REV32), // rev32 xzr, x30
        (0x5AC00BDFu, A64Op.REV_w), // rev wzr, w30
        (0xDAC00FFEu, A64Op.REV_x), // rev x30, xzr
        (0x9B5D7FFEu, A64Op.SMULH), // smulh x30, xzr, x29
        (0x6B22D020u, A64Op.SUBS_ereg_w), // subs w0, w1, w2, sxtw #4
        (0x4B2263E0u, A64Op.SUB_ereg_w), // sub w0, wsp, w2, uxtx
        (0xCB221020u, A64Op.SUB_ereg_x), // sub x0, x1, w2, uxtb #4
        (0x9BDD7FDFu, A64Op.UMULH), // umulh xzr, x30, x29
    };

    /// <summary>Reserved values and not-implemented features (FEAT_FlagM, FEAT_PAuth, FEAT_MTE, FEAT_CSSC).</summary>
    public static readonly uint[] Unallocated =
    {
        0x12401C20u, // and w0, w1, #0xff with N=1 (sf=0, N=1 reserved)
        0x9200FC00u, // and x0, x0, #imm with N=0 imms=111111 (no element size)
        0x9240FC00u, // and x0, x0, #imm with N=1 imms=111111 (all-ones element)
        0x9200F400u, // and x0, x0, #imm with N=0 imms=111101 (all-ones 2-bit element)
        0x3200EC00u, // orr w0, w0, #imm with imms=111011 (all-ones 4-bit element)
        0x32800000u, // move wide with opc=01
        0x52C00000u, // movz w0, #0 with hw=2 (sf=0, hw>=2)
        0x72E00000u, // movk w0, #0 with hw=3
        0x73000000u, // bitfield with opc=11
        0xD3000020u, // ubfm x0, x1, #0, #0 with N=0 (sf=1, N=0)
        0x53400020u, // ubfm w0, w1, #0, #0 with N=1 (sf=0, N=1)
        0x53200020u, // ubfm w0, w1 with immr<5>=1
        0x53008020u, // ubfm w0, w1 with imms<5>=1
        0x93820020u, // extr x0, x1, x2, #0 with N=0
        0x13828020u, // extr w0, w1, w2 with imms<5>=1
        0x13A20020u, // extr w0, w1, w2, #0 with o0=1
        0x33820020u, // extr w0, w1, w2, #0 with op21=01
        0x91810420u, // addg x0, x1, #16, #1 (FEAT_MTE)
        0x91C00C20u, // smax x0, x1, #3 (FEAT_CSSC, hand-encoded)
        0x8BC20020u, // add x0, x1, x2 with shift=11 (ROR reserved)
        0x6BC20020u, // subs w0, w1, w2 with shift=11
        0x0B028020u, // add w0, w1, w2 with imm6=32 (sf=0)
        0x0A028020u, // and w0, w1, w2 with imm6=32 (sf=0)
        0x8B225420u, // add x0, x1, w2, uxtw with imm3=5
        0x8B227C20u, // add x0, x1, w2, sxtx with imm3=7
        0x8B624020u, // add x0, x1, w2, uxtw with opt=01
        0x9A020420u, // adc x0, x1, x2 with bits[15:10]=000001
        0xBA008402u, // rmif x0, #1, #2 (FEAT_FlagM)
        0x3A00080Du, // setf8 w0 (FEAT_FlagM)
        0x3A00482Du, // setf16 w1 (FEAT_FlagM)
        0xDA410000u, // ccmp x0, x1, #0, eq with S=0
        0xFA410400u, // ccmp x0, x1, #0, eq with o2=1
        0xFA410010u, // ccmp x0, x1, #0, eq with o3=1
        0xBA820020u, // csel x0, x1, x2, eq with S=1
        0x9A820820u, // csel x0, x1, x2, eq with op2=10
        0xBAC20820u, // udiv x0, x1, x2 with S=1
        0x9AC20020u, // subp x0, x1, x2 (FEAT_MTE)
        0x9ADF1020u, // irg x0, x1 (FEAT_MTE)
        0x9AC23020u, // pacga x0, x1, x2 (FEAT_PAuth)
        0x1AC26C20u, // umin w0, w1, w2 (FEAT_CSSC, hand-encoded)
        0x1AC24C20u, // crc32x with sf=0
        0x9AC24020u, // crc32b with sf=1
        0x5AC00C20u, // rev with sf=0 and opc=000011
        0xDAC10020u, // pacia x0, x1 (FEAT_PAuth)
        0xDAC143E3u, // xpaci x3 (FEAT_PAuth)
        0xDAC02020u, // abs x0, x1 (FEAT_CSSC, hand-encoded)
        0x5AC01C20u, // cnt w0, w1 (FEAT_CSSC, hand-encoded)
        0xDAC01820u, // ctz x0, x1 (FEAT_CSSC, hand-encoded)
        0x5AC10020u, // rbit w0, w1 with opcode2=00001
        0x1B220C20u, // smaddl with sf=0
        0x9B620C20u, // smaddl x0, w1, w2, x3 with op31=011
        0xBB020C20u, // madd x0, x1, x2, x3 with op54=01
        0x9B42FC20u, // smulh x0, x1, x2 with o0=1 (op31=010, o0=1 is unallocated)
    };

    [Fact]
    public void AssembledWordsDecodeToTheirRow()
    {
        var wrong = Assembled.Where(a => A64Decoder.DecodeOp(a.Word) != a.Op)
            .Select(a => $"0x{a.Word:X8}: expected {a.Op}, got {A64Decoder.DecodeOp(a.Word)}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void EveryDataProcessingRowIsCoveredTwice()
    {
        var rows = A64Table.Rows.Where(r => r.File is "dp_imm.decode" or "dp_reg.decode" && r.Op != A64Op.Unallocated).ToList();
        Assert.True(rows.Count >= 100, $"only {rows.Count} data-processing rows");
        foreach (var row in rows)
            Assert.True(Assembled.Count(a => a.Op == row.Op) >= 2, $"{row} has fewer than two assembled examples");
    }

    [Fact]
    public void ReservedEncodingsAreUnallocated()
    {
        foreach (uint word in Unallocated)
            Assert.True(A64Decoder.DecodeOp(word) == A64Op.Unallocated, $"0x{word:X8} decodes as {A64Decoder.DecodeOp(word)}");
    }

    [Fact]
    public void ReservedEncodingsRaiseUndefined()
    {
        using var h = new CpuHarness();
        foreach (uint word in Unallocated)
        {
            h.Cpu.SetX(0, 0x1234);
            h.Cpu.SysRegs.EsrEl1 = 0xFFFF_FFFF;
            h.Cpu.SysRegs.ElrEl1 = 0;
            h.Load(CpuHarness.CodeBase, word);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.Equal(0u, (uint)(h.Cpu.SysRegs.EsrEl1 >> 26));              // EC 0x00: unknown reason
            Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
            Assert.Equal(CpuHarness.VectorBase + 0x200, h.Cpu.Pc);                 // current EL, SP_ELx, synchronous
            Assert.Equal(0x1234UL, h.Cpu.X(0));
        }
    }
}
