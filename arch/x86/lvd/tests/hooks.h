/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvd_test_hv, the hooks of LVD's hypervisor selftests: what its files
 * share. hooks_hv.c holds the module and the hypervisor's hooks,
 * hooks_cross.c the domain scenarios, hooks_domain_code.S the code test
 * domains run, hooks_bench.c the benchmark, hooks_pv.c the paravirtual
 * interfaces of the hypervisor below LVD.
 */
#ifndef _ARCH_X86_LVD_TESTS_HOOKS_H
#define _ARCH_X86_LVD_TESTS_HOOKS_H

/* The kernel calls of test domains (lvd_test_kcalls[]): RAX at INT 0x1b */
#define LVD_TEST_KCALL_ADD	0	/* RDI + 2 * RSI */
#define LVD_TEST_KCALL_NEST	1	/* back into the domain's sum: 23 */
#define LVD_TEST_KCALL_NULL	2	/* nothing */
#define LVD_TEST_KCALL_SUM_BUF	3	/* the bytes at RDI, RSI long */
#define LVD_TEST_KCALL_FLAGS	4	/* the kernel's DF and AC */
#define LVD_TEST_KCALL_SLEEP	5	/* sleeps RDI ms; RSI slot, RDX stack */
#define LVD_TEST_KCALL_NEST_SLEEP 6	/* sleeps, then the domain's RSP: RDI less it */
#define LVD_TEST_KCALL_NULL_MAY_SLEEP 7	/* nothing, but it may sleep */
#define LVD_TEST_KCALL_HOLD	8	/* RDI 1: take the test lock, 2: give it */
#define LVD_TEST_NR_KCALLS	9

#ifndef __ASSEMBLY__

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct dentry;
struct lvd_domain;
struct lvd_exit_stats;

/* A debugfs file: lvd_test_NAME_show() to read, lvd_test_NAME_write() to write */
#define LVD_TEST_RW_FILE(name)						\
static int lvd_test_##name##_open(struct inode *inode, struct file *file) \
{									\
	return single_open(file, lvd_test_##name##_show, NULL);		\
}									\
static const struct file_operations lvd_test_##name##_fops = {		\
	.owner = THIS_MODULE,						\
	.open = lvd_test_##name##_open,					\
	.read = seq_read,						\
	.write = lvd_test_##name##_write,				\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

/* Serialises every file's reads and writes, and the state they share */
extern struct mutex lvd_test_lock;

int lvd_test_copy_word(char *buf, size_t size, const char __user *ubuf,
		       size_t len);

/* hooks_cross.c */
__printf(1, 2) void lvd_test_result(const char *fmt, ...);
int lvd_test_cross_domain(struct lvd_domain **dp, unsigned long *datap);
u64 lvd_test_exits_here(struct lvd_exit_stats *s);
u64 lvd_test_exits_start(struct lvd_exit_stats *s);
void lvd_test_cross_create(struct dentry *dir);
void lvd_test_cross_exit(void);

/* hooks_runtime.c */
unsigned long lvd_test_kcall_sleep(struct lvd_domain *d,
				   const unsigned long args[6]);
unsigned long lvd_test_kcall_nest_sleep(struct lvd_domain *d,
					const unsigned long args[6]);
unsigned long lvd_test_kcall_hold(struct lvd_domain *d,
				  const unsigned long args[6]);
bool lvd_test_runtime_scenario(struct lvd_domain *d, const char *what,
			       unsigned long data);

/* hooks_bench.c */
void lvd_test_bench_create(struct dentry *dir);

/* hooks_pv.c */
void lvd_test_pv_create(struct dentry *dir);

/*
 * hooks_domain_code.S: code for test domains, on a page of its own
 * (lvd_test_dom_code). Declared as functions: the kernel only takes their
 * addresses, and the domain runs them.
 */
#define LVD_TEST_DOM(name)	void lvd_test_dom_##name(void)
LVD_TEST_DOM(code);
LVD_TEST_DOM(sum);
LVD_TEST_DOM(leak);
LVD_TEST_DOM(load);
LVD_TEST_DOM(store);
LVD_TEST_DOM(jump);
LVD_TEST_DOM(ud2);
LVD_TEST_DOM(hlt);
LVD_TEST_DOM(cli);
LVD_TEST_DOM(vmcall);
LVD_TEST_DOM(syscall);
LVD_TEST_DOM(write_cr3);
LVD_TEST_DOM(vmfunc_load);
LVD_TEST_DOM(segs);
LVD_TEST_DOM(flags);
LVD_TEST_DOM(sse);
LVD_TEST_DOM(recurse);
LVD_TEST_DOM(null);
LVD_TEST_DOM(kcalls);
LVD_TEST_DOM(sum_buf);
LVD_TEST_DOM(spin);
LVD_TEST_DOM(wrmsr);
LVD_TEST_DOM(lidt);
LVD_TEST_DOM(mov_dr7);
LVD_TEST_DOM(xsetbv);
LVD_TEST_DOM(wbinvd);
LVD_TEST_DOM(outb);
LVD_TEST_DOM(int3);
LVD_TEST_DOM(wrmsr_any);
LVD_TEST_DOM(write_cr0);
LVD_TEST_DOM(write_cr4);
LVD_TEST_DOM(lgdt);
LVD_TEST_DOM(lldt);
LVD_TEST_DOM(ltr);
LVD_TEST_DOM(mov_dr0);
LVD_TEST_DOM(invd);
LVD_TEST_DOM(vmcall_nr);
LVD_TEST_DOM(div0);
LVD_TEST_DOM(align);
LVD_TEST_DOM(single_step);
LVD_TEST_DOM(forged_return);
LVD_TEST_DOM(vmfunc_inside);
LVD_TEST_DOM(bases);
LVD_TEST_DOM(irq_stack);
LVD_TEST_DOM(wait);
LVD_TEST_DOM(kcall);
LVD_TEST_DOM(nest);
LVD_TEST_DOM(bad_kcall);
LVD_TEST_DOM(bad_stack);
LVD_TEST_DOM(canary_wait);
LVD_TEST_DOM(sleep);
LVD_TEST_DOM(nest_sleep);
LVD_TEST_DOM(rsp);
LVD_TEST_DOM(hold);
#undef LVD_TEST_DOM

#endif /* __ASSEMBLY__ */

#endif /* _ARCH_X86_LVD_TESTS_HOOKS_H */
