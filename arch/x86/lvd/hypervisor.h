/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the kernel and LVD's hypervisor: starting it
 * (launch.c), asking whether a CPU runs under it, and the hypercall ABI.
 * Drivers never see it: their API is in include/lvd/.
 */

/**
 * DOC: hypercall ABI
 *
 * VMCALL with the hypercall number in RAX and arguments in RBX, RCX, RDX;
 * the result comes back in RAX (a negative errno on failure, -EOPNOTSUPP
 * for an unknown number), some results in RBX too. lvd_hypercall() issues
 * one. Hypercalls are accepted only from CPL 0 in the kernel's EPT: a
 * VMCALL from CPL 3 gets #UD, one from CPL 0 in another view -EPERM.
 *
 * LVD's numbers carry %LVD_HC_SIGNATURE ("LVDH") in RAX[63:32], the number
 * itself, 0 to %LVD_HC_NR - 1, in RAX[31:0] (LVD_HC()): KVM's hypercall
 * numbers (and any other hypervisor's) are small and can never be taken
 * for LVD's. A VMCALL from the kernel whose RAX does not carry the
 * signature is not LVD's: under an outer hypervisor (CPUID's hypervisor
 * bit) it is forwarded there, with RAX and RBX, RCX, RDX, RSI as they
 * were, and RAX comes back; without one it gets #UD.
 *
 * Issue one only on a CPU that lvd_cpu_virtualized() says runs under LVD:
 * elsewhere VMCALL is #UD (or worse, on some emulators).
 */

#ifndef _ARCH_X86_LVD_HYPERVISOR_H
#define _ARCH_X86_LVD_HYPERVISOR_H

#include <linux/bits.h>
#include <linux/types.h>

#define LVD_HC_ABI_VERSION	5

/* RAX[63:32] of every LVD hypercall: "LVDH" */
#define LVD_HC_SIGNATURE	0x4c564448ULL
#define LVD_HC(nr)		((LVD_HC_SIGNATURE << 32) | (nr))
/* Does a VMCALL's RAX carry LVD's signature? */
#define LVD_HC_IS_LVD(rax)	((u64)(rax) >> 32 == LVD_HC_SIGNATURE)

/**
 * DOC: hypercalls
 *
 * The ABI version is %LVD_HC_ABI_VERSION. Arguments are listed in the
 * order RBX, RCX, RDX. The domain hypercalls take the index of a listed
 * domain (UNLIST, MAP, MAP_DEVICE, UNMAP_DEVICE), an unlisted one (FREE)
 * or either (FLUSH_EPT): any other index gets -EINVAL. CREATE and the
 * map hypercalls may also fail with -ENOMEM.
 *
 * %LVD_HC_VERSION
 *	returns %LVD_HC_ABI_VERSION.
 * %LVD_HC_PING (cookie)
 *	returns cookie ^ %LVD_HC_PING_MAGIC, and in RBX the CPU the
 *	hypervisor runs on.
 * %LVD_HC_LEAVE
 *	this CPU leaves VMX operation and goes on natively; returns 0.
 * %LVD_HC_READ_STATS (pa, size)
 *	copies this CPU's exit counters to @pa, which must lie in one page
 *	of RAM outside hypervisor memory (-EFAULT); @size must be theirs
 *	(-EINVAL).
 * %LVD_HC_DOMAIN_CREATE
 *	a new, empty EPT in a free slot of the EPTP list (1 and up: 0 is the
 *	kernel's); returns the slot's index, -ENOSPC when every slot is
 *	taken, -EOPNOTSUPP when the CPU lacks interrupt-window exiting.
 * %LVD_HC_DOMAIN_MAP (index, pa, LVD_HC_MAP_ARG(nr_pages, prot))
 *	maps @nr_pages pages at @pa, at the same guest-physical address,
 *	write-back, with @prot (read 1, write 2, execute 4; write needs
 *	read); at most %LVD_HC_MAP_MAX_PAGES pages. -EINVAL for a bad
 *	range or access; -EFAULT unless every page is RAM that the
 *	kernel's EPT maps write-back.
 * %LVD_HC_DOMAIN_MAP_DEVICE (index, pa, LVD_HC_MAP_ARG(nr_pages, prot))
 *	maps device memory as %LVD_HC_DOMAIN_MAP maps RAM, but uncacheable
 *	and never executable: -EINVAL for execute; -EFAULT unless every page
 *	is one that the kernel's EPT maps uncacheable (so neither RAM nor
 *	hypervisor memory) and none is the local APIC's.
 * %LVD_HC_DOMAIN_UNMAP_DEVICE (index, pa, nr_pages)
 *	unmaps device memory from the domain and flushes its EPT on this
 *	CPU; the kernel flushes it on every other CPU (%LVD_HC_FLUSH_EPT)
 *	before it reuses the range. -EINVAL unless every page is device
 *	memory mapped to the domain: RAM stays with a domain until it is
 *	destroyed.
 * %LVD_HC_DOMAIN_UNLIST (index)
 *	takes the domain's EPT out of the EPTP list.
 * %LVD_HC_FLUSH_EPT (index)
 *	INVEPT of a domain's EPT on this CPU.
 * %LVD_HC_DOMAIN_FREE (index)
 *	frees an unlisted domain's EPT and its slot. Every CPU must have
 *	flushed it first.
 * %LVD_HC_WATCHDOG (tsc)
 *	arms this CPU's VMX-preemption timer for @tsc TSC cycles, or
 *	disarms it (0); when it expires the kernel gets an NMI, once.
 *	-EOPNOTSUPP without the timer.
 */
#define LVD_HC_VERSION		LVD_HC(0)
#define LVD_HC_PING		LVD_HC(1)
#define LVD_HC_LEAVE		LVD_HC(2)
#define LVD_HC_READ_STATS	LVD_HC(3)
#define LVD_HC_DOMAIN_CREATE	LVD_HC(4)
#define LVD_HC_DOMAIN_MAP	LVD_HC(5)
#define LVD_HC_DOMAIN_UNLIST	LVD_HC(6)
#define LVD_HC_FLUSH_EPT	LVD_HC(7)
#define LVD_HC_DOMAIN_FREE	LVD_HC(8)
#define LVD_HC_WATCHDOG		LVD_HC(9)
#define LVD_HC_DOMAIN_MAP_DEVICE	LVD_HC(10)
#define LVD_HC_DOMAIN_UNMAP_DEVICE	LVD_HC(11)
#define LVD_HC_NR		12		/* numbers 0 to LVD_HC_NR - 1 */

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
