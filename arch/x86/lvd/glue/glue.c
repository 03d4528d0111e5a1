// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of LVD glue (include/lvd/glue.h): which kernel symbols an
 * isolated module may use, and what each resolves to in its domain.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <lvd/glue.h>
#include "domain/domain_percpu.h"
#include "domain/domain_priv.h"
#include "domain/domain_values.h"
#include "glue/glue_page.h"

static LIST_HEAD(lvd_glue_sets);
static DEFINE_MUTEX(lvd_glue_lock);	/* protects lvd_glue_sets */

/*
 * Kernel variables that inline helpers in kernel headers read, and that
 * glue makes no use of: zeros, read-only, for every isolated module.
 */
static const u8 lvd_glue_zeros[PAGE_SIZE] __aligned(PAGE_SIZE);
static_assert(sizeof(kmalloc_caches) <= sizeof(lvd_glue_zeros));

/*
 * Symbols served in the domain itself: by the glue page, what the compiler
 * may call on its own and what needs no kernel; by the zeros, variables.
 */
static const struct {
	const char *name;
	const char *code;
} lvd_glue_locals[] = {
	{ "memcpy", lvd_glue_memcpy },
	{ "__memcpy", lvd_glue_memcpy },
	{ "memset", lvd_glue_memset },
	{ "__memset", lvd_glue_memset },
	{ "memmove", lvd_glue_memmove },
	{ "memcmp", lvd_glue_memcmp },
	{ "strlen", lvd_glue_strlen },
	{ "strcmp", lvd_glue_strcmp },
	{ "strchr", lvd_glue_strchr },
	{ "strcpy", lvd_glue_strcpy },
	{ "_find_first_bit", lvd_glue_find_first_bit },
	{ "_find_next_bit", lvd_glue_find_next_bit },
	{ "_find_first_zero_bit", lvd_glue_find_first_zero_bit },
	{ "_find_next_zero_bit", lvd_glue_find_next_zero_bit },
	{ "_find_last_bit", lvd_glue_find_last_bit },
	{ "preempt_schedule_thunk", lvd_glue_preempt_schedule },
	{ "kmalloc_caches", lvd_glue_zeros },
	{ "random_kmalloc_seed", lvd_glue_zeros },
};

/**
 * lvd_glue_register() - offer glue to isolated modules
 * @set: the symbols, with their owner; stays in use until unregistered
 *
 * Return: 0, or -EEXIST when one of its symbols is glue already.
 */
int lvd_glue_register(struct lvd_glue_set *set)
{
	struct lvd_glue_set *other;
	unsigned int i;

	mutex_lock(&lvd_glue_lock);
	for (i = 0; i < set->n; i++) {
		if (lvd_glue_local(set->glue[i].name))
			goto exists;
		list_for_each_entry(other, &lvd_glue_sets, list) {
			unsigned int j;

			for (j = 0; j < other->n; j++)
				if (!strcmp(other->glue[j].name, set->glue[i].name))
					goto exists;
		}
	}
	list_add_tail(&set->list, &lvd_glue_sets);
	mutex_unlock(&lvd_glue_lock);
	return 0;
exists:
	mutex_unlock(&lvd_glue_lock);
	pr_err("lvd: glue for %s exists already\n", set->glue[i].name);
	return -EEXIST;
}
EXPORT_SYMBOL_GPL(lvd_glue_register);

/**
 * lvd_glue_unregister() - withdraw glue
 * @set: as registered
 *
 * Isolated modules that use it hold a reference to its owner, so they are
 * gone when the owner's exit function runs.
 */
void lvd_glue_unregister(struct lvd_glue_set *set)
{
	mutex_lock(&lvd_glue_lock);
	list_del(&set->list);
	mutex_unlock(&lvd_glue_lock);
}
EXPORT_SYMBOL_GPL(lvd_glue_unregister);

/**
 * lvd_glue_local() - a symbol served in the domain itself
 * @name: the symbol
 *
 * Return: its address in the glue page or the zeros, or that of the
 * domains' copy of a kernel variable (domain_values.c), or 0.
 */
unsigned long lvd_glue_local(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_glue_locals); i++)
		if (!strcmp(lvd_glue_locals[i].name, name))
			return (unsigned long)lvd_glue_locals[i].code;
	/* The offset this_cpu_*() reads through %gs: the domain's own */
	if (!strcmp(name, "this_cpu_off"))
		return LVD_DOMAIN_PCPU_THIS_CPU_OFF;
	/* The preempt count and CPU number %gs reaches: the domain's own */
	if (!strcmp(name, "pcpu_hot"))
		return LVD_DOMAIN_PCPU_HOT;
	/*
	 * A network driver reads only the xmit field of softnet_data
	 * (netdev_xmit_more()): the domain's own, in its header, where it
	 * reads "no more packets coming"
	 */
	if (!strcmp(name, "softnet_data"))
		return LVD_DOMAIN_PCPU_XMIT - offsetof(struct softnet_data, xmit);
	/* jiffies, the CPU masks, ...: the copies every domain maps */
	return lvd_domain_value(name);
}

/**
 * lvd_glue_find() - the glue registered for a symbol
 * @name: the symbol
 * @set: where to store the set it belongs to
 *
 * Takes a reference to the set's owner, which the caller drops with
 * module_put(@set->owner) when the importing module goes away.
 *
 * Return: the glue, or NULL when there is none (or its owner is going).
 */
const struct lvd_glue *lvd_glue_find(const char *name,
				     struct lvd_glue_set **set)
{
	const struct lvd_glue *found = NULL;
	struct lvd_glue_set *s;
	unsigned int i;

	mutex_lock(&lvd_glue_lock);
	list_for_each_entry(s, &lvd_glue_sets, list) {
		for (i = 0; i < s->n && !found; i++)
			if (!strcmp(s->glue[i].name, name))
				found = &s->glue[i];
		if (found) {
			if (!try_module_get(s->owner))
				found = NULL;
			*set = s;
			break;
		}
	}
	mutex_unlock(&lvd_glue_lock);
	return found;
}

/**
 * lvd_glue_stub() - the address an isolated module's import N resolves to
 * @n: the import's kernel call number, below LVD_GLUE_STUBS
 *
 * Return: the stub's address in the glue page.
 */
unsigned long lvd_glue_stub(unsigned int n)
{
	return (unsigned long)lvd_glue_page + n * LVD_GLUE_STUB_SIZE;
}

/**
 * lvd_glue_defer_routine() - the address glue with a deferring routine
 *	resolves to
 * @defer: its LVD_GLUE_DEFER_*
 *
 * Return: the routine's address in the glue page, or 0 when there is none.
 */
unsigned long lvd_glue_defer_routine(unsigned int defer)
{
	static const char *const routines[LVD_GLUE_NR_DEFER] = {
		[LVD_GLUE_DEFER_START - 1] = lvd_glue_defer_start,
		[LVD_GLUE_DEFER_COMPLETE - 1] = lvd_glue_defer_complete,
		[LVD_GLUE_DEFER_END - 1] = lvd_glue_defer_end,
	};

	if (!defer || defer > LVD_GLUE_NR_DEFER)
		return 0;
	return (unsigned long)routines[defer - 1];
}

/**
 * lvd_glue_unimported() - the kernel call of a deferring routine whose glue
 *	the module does not import
 * @d: the domain, which made it
 * @args: its arguments, unused
 *
 * A call no import of the module's makes: stops the domain, as a kernel
 * call number beyond its imports does.
 *
 * Return: 0.
 */
unsigned long lvd_glue_unimported(struct lvd_domain *d,
				  const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_domain_stop_for(d, LVD_DOMAIN_FAULT_BAD_CALL);
	return 0;
}

/**
 * lvd_glue_kcall_at() - the glue a domain's pointer to a kernel function
 * stands for
 * @d: the domain of an isolated module
 * @addr: a function pointer of the domain's (in an ops table, say)
 *
 * An isolated module that puts a kernel function in an ops table
 * (eth_validate_addr in a net_device_ops, say) puts there the stub of its
 * import, which its domain may call; the glue that gets the table can
 * give the kernel the kernel's own function instead.
 *
 * Return: the handler of the module's kernel call at @addr, or NULL when
 * @addr is not one of its stubs.
 */
lvd_kcall_fn lvd_glue_kcall_at(struct lvd_domain *d, unsigned long addr)
{
	unsigned long base = (unsigned long)lvd_glue_page, n;

	if (addr < base || (addr - base) % LVD_GLUE_STUB_SIZE)
		return NULL;
	n = (addr - base) / LVD_GLUE_STUB_SIZE;
	if (n >= d->nr_kcalls)
		return NULL;
	return d->kcalls[n].fn;
}
EXPORT_SYMBOL_GPL(lvd_glue_kcall_at);

/**
 * lvd_glue_give() - map the glue page (executable at CPL 3) and the zeros
 * (read-only) into a domain
 * @d: the domain of an isolated module
 *
 * Return: 0, or an error of lvd_domain_give().
 */
int lvd_glue_give(struct lvd_domain *d)
{
	int err = lvd_domain_give(d, (unsigned long)lvd_glue_page, PAGE_SIZE,
				  LVD_DOMAIN_READ | LVD_DOMAIN_EXEC);

	return err ?: lvd_domain_give(d, (unsigned long)lvd_glue_zeros,
				      sizeof(lvd_glue_zeros), LVD_DOMAIN_READ);
}
