/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the kernel and LVD's hypervisor: starting it
 * (launch.c) and asking whether a CPU runs under it, and the hypercall ABI,
 * version 4. Drivers never see it: their API is in include/lvd/.
 *
 * VMCALL with the hypercall number in RAX and arguments in RBX, RCX, RDX;
 * the result comes back in RAX (a negative errno on failure, -EOPNOTSUPP
 * for an unknown number), some results in RBX too. Hypercalls are accepted
 * only from CPL 0 in the kernel's EPT: a VMCALL from user space gets #UD,
 * one from another view gets -EPERM.
 *
 * LVD's numbers carry LVD_HC_SIGNATURE in RAX[63:32], the number itself in
 * RAX[31:0]: KVM's hypercall numbers (and any other hypervisor's) are small
 * and can never be taken for LVD's. A VMCALL from the kernel whose RAX does
 * not carry the signature is not LVD's: under an outer hypervisor (CPUID's
 * hypervisor bit) it is forwarded there, with RAX and RBX, RCX, RDX, RSI as
 * they were, and RAX comes back; on bare metal it gets #UD.
 *
 * Issue one only on a CPU that lvd_cpu_virtualized() says runs under LVD:
 * elsewhere VMCALL is #UD (or worse, on some emulators).
 */
#ifndef _ARCH_X86_LVD_HYPERVISOR_H
#define _ARCH_X86_LVD_HYPERVISOR_H

#include <linux/bits.h>
#include <linux/types.h>

#define LVD_HC_ABI_VERSION	4

/* RAX[63:32] of every LVD hypercall: "LVDH" */
#define LVD_HC_SIGNATURE	0x4c564448ULL
#define LVD_HC(nr)		((LVD_HC_SIGNATURE << 32) | (nr))
/* Does a VMCALL's RAX carry LVD's signature? */
#define LVD_HC_IS_LVD(rax)	((u64)(rax) >> 32 == LVD_HC_SIGNATURE)

/* Hypercall numbers */
#define LVD_HC_VERSION		LVD_HC(0)	/* -> LVD_HC_ABI_VERSION */
#define LVD_HC_PING		LVD_HC(1)	/* (cookie) -> cookie ^ PING_MAGIC; RBX: CPU */
#define LVD_HC_LEAVE		LVD_HC(2)	/* leave VMX on this CPU -> 0 */
#define LVD_HC_READ_STATS	LVD_HC(3)	/* (pa, size) copy exit counters -> 0 */
/* Domains (version 2): an EPT each, in a slot of the EPTP list. */
#define LVD_HC_DOMAIN_CREATE	LVD_HC(4)	/* () -> EPTP-list index */
#define LVD_HC_DOMAIN_MAP	LVD_HC(5)	/* (index, pa, LVD_HC_MAP_ARG) -> 0 */
#define LVD_HC_DOMAIN_UNLIST	LVD_HC(6)	/* (index) take it out of the list -> 0 */
#define LVD_HC_FLUSH_EPT	LVD_HC(7)	/* (index) this CPU forgets an unlisted EPT -> 0 */
#define LVD_HC_DOMAIN_FREE	LVD_HC(8)	/* (index) free an unlisted domain -> 0 */
#define LVD_HC_WATCHDOG		LVD_HC(9)	/* (TSC cycles, 0: off) this CPU's NMI timer -> 0 */
#define LVD_HC_NR		10		/* numbers 0 to LVD_HC_NR - 1 */

/* LVD_HC_DOMAIN_MAP's third argument: pages to map and access (R=1 W=2 X=4) */
#define LVD_HC_MAP_ARG(nr_pages, prot)	(((u64)(nr_pages) << 3) | ((prot) & 7))
#define LVD_HC_MAP_MAX_PAGES		BIT(20)

#define LVD_HC_PING_MAGIC	0x4c56445f50494e47ULL	/* "LVD_PING" */

/**
 * struct lvd_hc_result - what a hypercall returned
 * @ret: RAX
 * @rbx: RBX
 */
struct lvd_hc_result {
	long ret;
	unsigned long rbx;
};

/**
 * lvd_hypercall() - issue an LVD hypercall on this CPU
 * @nr: hypercall number
 * @a0: first argument (RBX)
 * @a1: second argument (RCX)
 * @a2: third argument (RDX)
 *
 * Return: RAX and RBX after the call.
 */
static inline struct lvd_hc_result lvd_hypercall(unsigned long nr,
						 unsigned long a0,
						 unsigned long a1,
						 unsigned long a2)
{
	struct lvd_hc_result r;

	asm volatile("vmcall"
		     : "=a" (r.ret), "=b" (r.rbx), "+c" (a1), "+d" (a2)
		     : "a" (nr), "b" (a0)
		     : "memory");
	return r;
}

struct lvd_vmx_msrs;
struct lvd_caps;

/* launch.c */
int lvd_hv_start(const struct lvd_vmx_msrs *msrs, const struct lvd_caps *caps);
unsigned int lvd_hv_nr_active(void);
bool lvd_cpu_virtualized(void);
bool lvd_cpu_virtualized_on(unsigned int cpu);
const char *lvd_hv_error(void);

/*
 * exit.c: the domains' IDT, which domain/cross.c sets when it builds it
 * (0 until then): root mode holds an NMI that arrives in a crossing.
 */
extern unsigned long lvd_domain_idt_base;

/* kernel_ept.c, for tests only (CONFIG_LVD_TEST_HOOKS) */
void *lvd_hv_hidden_page(void);

#endif /* _ARCH_X86_LVD_HYPERVISOR_H */
