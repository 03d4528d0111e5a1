// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for root mode's exit handling: which XCR0 values XSETBV may
 * set, whatever the CPU offers, and the VM-exit entry point's clearing of
 * the guest's registers, read from its machine code.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/insn.h>

#include "root/root.h"

#define X87		XFEATURE_MASK_FP
#define SSE		XFEATURE_MASK_SSE
#define YMM		XFEATURE_MASK_YMM
#define OPMASK		XFEATURE_MASK_OPMASK
#define ZMM_HI256	XFEATURE_MASK_ZMM_Hi256
#define HI16_ZMM	XFEATURE_MASK_Hi16_ZMM
#define AVX512		XFEATURE_MASK_AVX512
#define BNDREGS		XFEATURE_MASK_BNDREGS
#define BNDCSR		XFEATURE_MASK_BNDCSR
#define PKRU		XFEATURE_MASK_PKRU
#define TILECFG		XFEATURE_MASK_XTILE_CFG
#define TILEDATA	XFEATURE_MASK_XTILE_DATA
#define XTILE		XFEATURE_MASK_XTILE

/* A CPU, and a kernel, with every user state component KVM knows */
#define ALL	(X87 | SSE | YMM | AVX512 | BNDREGS | BNDCSR | PKRU | XTILE)

struct lvd_xcr0_case {
	u32 index;
	u64 xcr0;
	u64 allowed;
	bool valid;
};

static const struct lvd_xcr0_case lvd_xcr0_cases[] = {
	{ 0, X87, ALL, true },
	{ 0, X87 | SSE, ALL, true },
	{ 0, X87 | SSE | YMM, ALL, true },
	{ 0, X87 | SSE | YMM | AVX512, ALL, true },
	{ 0, X87 | SSE | BNDREGS | BNDCSR, ALL, true },
	{ 0, X87 | SSE | YMM | XTILE, ALL, true },
	{ 0, X87 | PKRU, ALL, true },
	{ 0, ALL, ALL, true },
	{ 0, X87 | SSE | YMM, X87 | SSE | YMM, true },
	/* XCR0 only */
	{ 1, X87 | SSE, ALL, false },
	{ 0xffffffff, X87 | SSE, ALL, false },
	/* x87 always */
	{ 0, 0, ALL, false },
	{ 0, SSE | YMM, ALL, false },
	/* AVX needs SSE */
	{ 0, X87 | YMM, ALL, false },
	{ 0, X87 | YMM | AVX512, ALL, false },
	/* AVX-512: all three or none, and with AVX */
	{ 0, X87 | SSE | YMM | OPMASK, ALL, false },
	{ 0, X87 | SSE | YMM | ZMM_HI256, ALL, false },
	{ 0, X87 | SSE | YMM | HI16_ZMM, ALL, false },
	{ 0, X87 | SSE | YMM | OPMASK | ZMM_HI256, ALL, false },
	{ 0, X87 | SSE | YMM | OPMASK | HI16_ZMM, ALL, false },
	{ 0, X87 | SSE | YMM | ZMM_HI256 | HI16_ZMM, ALL, false },
	{ 0, X87 | SSE | AVX512, ALL, false },
	/* MPX: both or neither */
	{ 0, X87 | SSE | BNDREGS, ALL, false },
	{ 0, X87 | SSE | BNDCSR, ALL, false },
	/* AMX: both or neither */
	{ 0, X87 | SSE | YMM | TILECFG, ALL, false },
	{ 0, X87 | SSE | YMM | TILEDATA, ALL, false },
	/* Supervisor and reserved bits */
	{ 0, X87 | SSE | XFEATURE_MASK_PT, ALL, false },
	{ 0, X87 | SSE | BIT_ULL(19), ALL, false },
	{ 0, X87 | SSE | BIT_ULL(32), ALL, false },
	{ 0, X87 | SSE | BIT_ULL(63), ALL, false },
	/* Only what the CPU offers and the kernel enabled */
	{ 0, X87 | SSE | YMM | AVX512, X87 | SSE | YMM, false },
	{ 0, X87 | SSE | YMM | PKRU, X87 | SSE | YMM, false },
	{ 0, X87 | SSE | YMM, X87 | SSE, false },
};

static void lvd_xcr0_values(struct kunit *test)
{
	const struct lvd_xcr0_case *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_xcr0_cases); i++) {
		c = &lvd_xcr0_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, lvd_xcr0_valid(c->index, c->xcr0, c->allowed),
				    c->valid, "XCR%u = %#llx with %#llx allowed",
				    c->index, c->xcr0, c->allowed);
	}
}

/* Every general-purpose register but RSP (4), a bit each by its number */
#define LVD_GUEST_GPRS		0xffef
/* The exit entry's instructions before its first branch, at most */
#define LVD_EXIT_ENTRY_MAX	64

/*
 * lvd_vmexit_entry, up to its first call or jump: it pushes every guest
 * register (PUSH r64) and clears each (XOR r32, r32) after it pushed it.
 */
static void lvd_exit_entry_clears_guest_regs(struct kunit *test)
{
	const u8 *ip = (const u8 *)lvd_vmexit_entry;
	unsigned int saved = 0, cleared = 0, early = 0, n, reg, rm;
	struct insn insn;
	u8 op, modrm, rex;

	if (!IS_ENABLED(CONFIG_INSTRUCTION_DECODER))
		kunit_skip(test, "no instruction decoder in this kernel");
	for (n = 0; n < LVD_EXIT_ENTRY_MAX; n++, ip += insn.length) {
		KUNIT_ASSERT_EQ(test, insn_decode_kernel(&insn, ip), 0);
		op = insn.opcode.bytes[0];
		modrm = insn.modrm.bytes[0];
		rex = insn.rex_prefix.nbytes ? insn.rex_prefix.bytes[0] : 0;
		if (op == 0xe8 || op == 0xe9 || op == 0xeb)	/* CALL, JMP */
			break;
		if (insn.opcode.nbytes != 1)
			continue;
		if (op >= 0x50 && op <= 0x57) {		/* PUSH r64 */
			saved |= BIT((op & 7) | (X86_REX_B(rex) ? 8 : 0));
		} else if ((op == 0x31 || op == 0x33) &&	/* XOR r32, r/m32 */
			   X86_MODRM_MOD(modrm) == 3) {
			reg = X86_MODRM_REG(modrm) | (X86_REX_R(rex) ? 8 : 0);
			rm = X86_MODRM_RM(modrm) | (X86_REX_B(rex) ? 8 : 0);
			if (reg != rm)
				continue;
			if (!(saved & BIT(reg)))
				early |= BIT(reg);
			cleared |= BIT(reg);
		}
	}
	KUNIT_EXPECT_LT(test, n, LVD_EXIT_ENTRY_MAX);
	KUNIT_EXPECT_EQ_MSG(test, saved, LVD_GUEST_GPRS, "registers pushed");
	KUNIT_EXPECT_EQ_MSG(test, cleared, LVD_GUEST_GPRS, "registers cleared");
	KUNIT_EXPECT_EQ_MSG(test, early, 0, "registers cleared before they were pushed");
}

static struct kunit_case lvd_exit_test_cases[] = {
	KUNIT_CASE(lvd_xcr0_values),
	KUNIT_CASE(lvd_exit_entry_clears_guest_regs),
	{}
};

static struct kunit_suite lvd_exit_test_suite = {
	.name = "lvd_exit",
	.test_cases = lvd_exit_test_cases,
};

kunit_test_suite(lvd_exit_test_suite);

MODULE_DESCRIPTION("KUnit tests for LVD's VM-exit handling");
MODULE_LICENSE("GPL");
