/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD glue: what the kernel symbols an isolated module uses resolve to.
 */

/**
 * DOC: glue
 *
 * An isolated module's code runs in its domain at CPL 3 and cannot call the
 * kernel directly. Each kernel function it may use is glue: a kernel-side
 * handler, registered under the symbol's name, that gets the call's
 * argument registers and the domain and treats both as hostile. The
 * module's call goes to a stub in the domains' glue page, which makes a
 * kernel call (lvd_domain_set_kcalls()) numbered by the module's import.
 */
#ifndef _LVD_GLUE_H
#define _LVD_GLUE_H

/* The glue page's stubs: how many, and each one's size */
#define LVD_GLUE_STUBS		256
#define LVD_GLUE_STUB_SIZE	8	/* mov $N, %eax; int $0x1b; ret */

/*
 * Deferring routines of the glue page: glue whose call the domain may
 * record instead of making, while the kernel watches the object it names.
 * Each is glue's .defer; its kernel call, made when it cannot record, has
 * the fixed number .defer - 1 in every isolated module.
 */
#define LVD_GLUE_DEFER_START	1	/* blk_mq_start_request(rq) */
#define LVD_GLUE_DEFER_COMPLETE	2	/* blk_mq_complete_request(rq) */
#define LVD_GLUE_DEFER_END	3	/* blk_mq_end_request(rq, status) */
#define LVD_GLUE_NR_DEFER	3

/*
 * What a watch's mark says of the object it names (struct
 * lvd_domain_watch): the kernel sets HANDED or COMPLETING; the routines
 * move HANDED to STARTED (start), STARTED to COMPLETE (complete), and
 * STARTED or COMPLETING to ENDED, with the status in bits 8 to 15 (end).
 * Anything else makes the kernel call.
 */
#define LVD_GLUE_MARK_NONE	0
#define LVD_GLUE_MARK_HANDED	1
#define LVD_GLUE_MARK_STARTED	2
#define LVD_GLUE_MARK_COMPLETE	3
#define LVD_GLUE_MARK_ENDED	4
#define LVD_GLUE_MARK_COMPLETING 5

#ifndef __ASSEMBLY__

#include <linux/list.h>
#include <lvd/domain.h>

struct module;

/**
 * struct lvd_glue - a kernel function an isolated module may call
 * @name: the symbol the module's code calls
 * @fn: what runs in the kernel instead: the first six arguments in @args
 *	(RDI to R9, as the domain left them), the result in RAX
 * @flags: %LVD_KCALL_MAY_SLEEP for a function that may sleep, else 0
 * @object: instead of @fn, for a kernel variable the module names but
 *	never touches (a lock it passes to lock glue, say): the symbol
 *	resolves to the variable's kernel address, which the domain does not
 *	map; the glue that gets it back compares it with the addresses it
 *	knows
 * @defer: LVD_GLUE_DEFER_*, for glue whose call the glue page's deferring
 *	routine may record for the kernel to apply later; else 0
 */
struct lvd_glue {
	const char *name;
	lvd_kcall_fn fn;
	unsigned int flags;
	const void *object;
	unsigned int defer;
};

/**
 * struct lvd_glue_set - glue that one kernel module (or the kernel) provides
 * @owner: the module that provides it (THIS_MODULE); an isolated module
 *	that uses a symbol of the set holds a reference to it
 * @glue: the symbols
 * @n: how many
 * @release: called, if set, when a domain that used the set goes away
 *	(its module is unloaded or failed to load): forget what is kept of it
 * @list: in the registry
 */
struct lvd_glue_set {
	struct module *owner;
	const struct lvd_glue *glue;
	unsigned int n;
	void (*release)(struct lvd_domain *d);
	struct list_head list;
};

int lvd_glue_register(struct lvd_glue_set *set);
void lvd_glue_unregister(struct lvd_glue_set *set);

/* For the module loader (kernel/module/lvd.c) */
unsigned long lvd_glue_local(const char *name);
const struct lvd_glue *lvd_glue_find(const char *name,
				     struct lvd_glue_set **set);
unsigned long lvd_glue_stub(unsigned int n);
unsigned long lvd_glue_defer_routine(unsigned int defer);
unsigned long lvd_glue_unimported(struct lvd_domain *d,
				  const unsigned long args[LVD_DOMAIN_ARGS]);
int lvd_glue_give(struct lvd_domain *d);
unsigned long lvd_glue_strdup(struct lvd_domain *d, const char *s);

long lvd_glue_dev_printk(struct lvd_domain *d, int level, const char *who,
			 unsigned long fmt_va, const unsigned long *args,
			 unsigned int nargs);

#ifdef CONFIG_LVD_TEST_HOOKS
#include <linux/jump_label.h>
/* A static key the selftests' modules may name in their __jump_table */
DECLARE_STATIC_KEY_FALSE(lvd_test_static_key);
#endif

/* For glue that gets ops tables */
lvd_kcall_fn lvd_glue_kcall_at(struct lvd_domain *d, unsigned long addr);

struct device;
#if IS_ENABLED(CONFIG_LVD_PCI_GLUE)
struct device *lvd_pci_glue_device(struct lvd_domain *d, unsigned long addr);
#else
static inline struct device *lvd_pci_glue_device(struct lvd_domain *d,
						 unsigned long addr)
{
	return NULL;
}
#endif

#endif /* __ASSEMBLY__ */
#endif /* _LVD_GLUE_H */
