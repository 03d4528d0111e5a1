// SPDX-License-Identifier: GPL-2.0
/*
 * Modules isolated in LVD domains.
 *
 * A module built for isolation (its Kconfig option adds LVD_ISOLATED_CFLAGS,
 * which tags it "lvd=isolated" in its modinfo) is loaded into a new domain
 * instead of the kernel: its text, read-only data and writable data are
 * given to the domain, the kernel maps its text non-executable, and its
 * init and exit functions run in the domain. Its undefined symbols resolve
 * only to LVD glue (include/lvd/glue.h); any other symbol is refused, as
 * are the sections through which the kernel would trust the module's
 * memory or run its code outside the domain: sections are allowed by name,
 * each for a stated reason, and nothing else.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/elf.h>
#include <linux/module.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <lvd/domain.h>
#include <lvd/glue.h>
#include "internal.h"

/* The heap kmalloc() serves an isolated module from */
#define LVD_MODULE_HEAP_SIZE	(256 * 1024)

/**
 * struct lvd_module - what LVD keeps of an isolated module
 * @domain: the domain it runs in
 * @nr_kcalls: how many kernel symbols it imports
 * @kcalls: the glue for each, in kernel call (stub) order
 * @sets: the glue set each belongs to, whose owner it holds
 */
struct lvd_module {
	struct lvd_domain *domain;
	unsigned int nr_kcalls;
	struct lvd_kcall kcalls[LVD_GLUE_STUBS];
	struct lvd_glue_set *sets[LVD_GLUE_STUBS];
};

/*
 * The sections an isolated module may have, each for the reason in its
 * comment. A name matches an entry that is the name itself, or its prefix
 * followed by a dot (".text" covers ".text.unlikely"). Everything else is
 * refused: through a section the kernel knows by name it may read the
 * module's memory, write into the kernel as that memory says, or call
 * pointers the domain wrote (alternatives, KUnit suites, SRCU structs,
 * trace formats, ...).
 */
static const struct lvd_module_section {
	const char *name;
	bool domain_writes;
} lvd_module_sections[] = {
	/* its code, executed in the domain only */
	{ ".text" }, { ".init.text" }, { ".exit.text" },
	/* its read-only data */
	{ ".rodata" }, { ".init.rodata" },
	/* its data, the domain's to write */
	{ ".data", true }, { ".init.data", true }, { ".exit.data", true },
	{ ".bss", true },
	/* read by the kernel (sysfs), read-only to the domain */
	{ ".note" },
	/* struct module: on pages the domain is not given */
	{ ".gnu.linkonce.this_module" },
	/* LOCK prefixes, patched inside the module's text only; read-only */
	{ ".smp_locks" },
	/* read by the unwinder, for the module's text only; read-only */
	{ ".orc_unwind" }, { ".orc_unwind_ip" }, { ".orc_header" },
	/* not given to the domain, and ignored: a BUG or WARN there stops it */
	{ "__bug_table" },
};

/*
 * Sections some config or header gives drivers, refused with the reason a
 * driver author needs: the same refusal as for any name not listed above.
 */
static const struct {
	const char *prefix;
	const char *why;
} lvd_module_refused[] = {
	{ "__ksymtab", "exported symbols" },
	{ "__kcrctab", "exported symbols" },
	{ "__param", "module parameters" },
	{ ".data..percpu", "per-CPU variables" },
	{ "__jump_table", "static keys" },
	{ ".static_call_sites", "static calls" },
	{ "__dyndbg", "dynamic debug" },
	{ "__tracepoints", "tracepoints" },
	{ "_ftrace_events", "trace events" },
	{ ".ctors", "constructors" },
	{ ".init_array", "constructors" },
	{ ".altinstr", "alternatives, which the kernel patches in" },
	{ ".kunit_test_suites", "KUnit suites, which the kernel would run" },
	{ "___srcu_struct_ptrs", "SRCU structs, which the kernel would initialise" },
	{ "__ex_table", "exception fixups" },
};

static bool lvd_module_section_is(const char *name, const char *entry)
{
	size_t n = strlen(entry);

	return !strncmp(name, entry, n) && (!name[n] || name[n] == '.');
}

/* The entry of lvd_module_sections[] @name matches, or NULL */
static const struct lvd_module_section *lvd_module_section(const char *name)
{
	unsigned int i;

	if (strstarts(name, ".data..percpu"))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(lvd_module_sections); i++)
		if (lvd_module_section_is(name, lvd_module_sections[i].name))
			return &lvd_module_sections[i];
	return NULL;
}

static const char *lvd_module_refusal(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_module_refused); i++)
		if (strstarts(name, lvd_module_refused[i].prefix))
			return lvd_module_refused[i].why;
	return "a section the kernel may act on";
}

static int lvd_module_check_sections(const struct load_info *info)
{
	unsigned int i;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		const Elf_Shdr *s = &info->sechdrs[i];
		const char *name = info->secstrings + s->sh_name;

		if (!(s->sh_flags & SHF_ALLOC) || lvd_module_section(name))
			continue;
		pr_err("%s: an isolated module cannot have section %s (%s)\n",
		       info->name, name, lvd_module_refusal(name));
		return -ENOEXEC;
	}
	return 0;
}

/**
 * lvd_module_layout() - check an isolated module's sections, before layout
 * @info: the module being loaded
 * @tag: its "lvd" modinfo value, or NULL when it has none
 *
 * Writable sections, struct module's own section and the kernel's copy of
 * the symbol table each start a page: the domain gets whole pages, and
 * none of those may hold what the kernel alone may write. Init sections
 * stay with the rest (info->lvd_isolated): the domain keeps them.
 *
 * Return: 0 (the module may be loaded, isolated or not), or -ENOEXEC.
 */
int lvd_module_layout(struct load_info *info, const char *tag)
{
	unsigned int i;
	int err;

	if (!tag)
		return 0;
	if (strcmp(tag, "isolated")) {
		pr_err("%s: unknown lvd=%s in modinfo\n", info->name, tag);
		return -ENOEXEC;
	}
	err = lvd_module_check_sections(info);
	if (err)
		return err;
	for (i = 1; i < info->hdr->e_shnum; i++) {
		Elf_Shdr *s = &info->sechdrs[i];

		if ((s->sh_flags & SHF_ALLOC) &&
		    (s->sh_flags & SHF_WRITE || i == info->index.mod))
			s->sh_addralign = max_t(unsigned long, s->sh_addralign,
						PAGE_SIZE);
	}
	info->sechdrs[info->index.sym].sh_addralign = PAGE_SIZE;
	info->lvd_isolated = true;
	return 0;
}

/**
 * lvd_module_prepare() - a domain for an isolated module, before its symbols
 * @mod: the module, laid out and allocated
 * @info: the module being loaded
 *
 * Return: 0, or an error that fails the load, with a message saying why.
 */
int lvd_module_prepare(struct module *mod, const struct load_info *info)
{
	struct lvd_module *lm;
	struct lvd_domain *d;

	if (!info->lvd_isolated)
		return 0;
	lm = kzalloc(sizeof(*lm), GFP_KERNEL);
	if (!lm)
		return -ENOMEM;
	d = lvd_domain_create();
	if (IS_ERR(d)) {
		pr_err("%s: cannot be isolated: no LVD domain (%pe)%s\n",
		       mod->name, d, PTR_ERR(d) == -ENODEV ?
		       ", LVD's hypervisor is not running" : "");
		kfree(lm);
		return PTR_ERR(d);
	}
	lvd_domain_set_name(d, mod->name);
	lm->domain = d;
	mod->lvd = lm;
	return 0;
}

/**
 * lvd_module_resolve() - resolve an isolated module's undefined symbol
 * @mod: the module
 * @name: the symbol
 * @sym: its symbol table entry, whose st_value is set
 *
 * The glue page serves some symbols in the domain itself; registered glue
 * gets the module's next kernel call number and its stub. Nothing else.
 *
 * Return: 0, or -ENOENT (-E2BIG for too many imports), with a message.
 */
int lvd_module_resolve(struct module *mod, const char *name, Elf_Sym *sym)
{
	struct lvd_module *lm = mod->lvd;
	const struct lvd_glue *glue;
	struct lvd_glue_set *set;
	unsigned long local;

	local = lvd_glue_local(name);
	if (local) {
		sym->st_value = local;
		return 0;
	}
	glue = lvd_glue_find(name, &set);
	if (!glue) {
		if (ELF_ST_BIND(sym->st_info) == STB_WEAK)
			return 0;
		pr_err("%s: %s is not available to an isolated module (no LVD glue)\n",
		       mod->name, name);
		return -ENOENT;
	}
	if (lm->nr_kcalls == LVD_GLUE_STUBS) {
		module_put(set->owner);
		pr_err("%s: more than %u kernel symbols\n", mod->name,
		       LVD_GLUE_STUBS);
		return -E2BIG;
	}
	lm->kcalls[lm->nr_kcalls] = (struct lvd_kcall) {
		.fn = glue->fn, .flags = glue->flags,
	};
	lm->sets[lm->nr_kcalls] = set;
	sym->st_value = lvd_glue_stub(lm->nr_kcalls++);
	return 0;
}

static int lvd_module_give_mem(struct lvd_domain *d, const struct module *mod,
			       enum mod_mem_type type, unsigned int access)
{
	const struct module_memory *mem = &mod->mem[type];

	if (!mem->size)
		return 0;
	return lvd_domain_give(d, (unsigned long)mem->base,
			       PAGE_ALIGN(mem->size), access);
}

/*
 * The writable sections that are the module's own data, each on pages of
 * its own; never struct module's, nor the bug table.
 */
static int lvd_module_give_data(struct lvd_domain *d,
				const struct load_info *info)
{
	const struct lvd_module_section *sec;
	unsigned int i;
	int err;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		const Elf_Shdr *s = &info->sechdrs[i];

		if (!(s->sh_flags & SHF_ALLOC) || !(s->sh_flags & SHF_WRITE) ||
		    s->sh_flags & SHF_RO_AFTER_INIT || !s->sh_size ||
		    i == info->index.mod || i == info->index.pcpu)
			continue;
		sec = lvd_module_section(info->secstrings + s->sh_name);
		if (!sec || !sec->domain_writes)
			continue;
		err = lvd_domain_give(d, s->sh_addr, PAGE_ALIGN(s->sh_size),
				      LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Its BUG and WARN sites trap in the domain, which stops it: the kernel's
 * own trap handler has nothing to look up in its bug table.
 */
static void lvd_module_ignore_bugs(struct module *mod)
{
#ifdef CONFIG_GENERIC_BUG
	WRITE_ONCE(mod->num_bugs, 0);
#endif
}

/**
 * lvd_module_enter() - move a formed isolated module into its domain
 * @mod: the module, relocated, its memory protected
 * @info: the module being loaded
 *
 * The domain gets the text (read, execute), the read-only data, the
 * writable sections, the glue page and a heap; the kernel's own mapping of
 * the text becomes non-executable.
 *
 * Return: 0, or an error that fails the load.
 */
int lvd_module_enter(struct module *mod, const struct load_info *info)
{
	struct lvd_module *lm = mod->lvd;
	const struct module_memory *text = &mod->mem[MOD_TEXT];
	struct lvd_domain *d;
	int err;

	if (!lm)
		return 0;
	d = lm->domain;
	lvd_module_ignore_bugs(mod);
	lvd_domain_set_kcalls(d, lm->kcalls, lm->nr_kcalls);
	err = lvd_module_give_mem(d, mod, MOD_TEXT,
				  LVD_DOMAIN_READ | LVD_DOMAIN_EXEC);
	if (!err)
		err = lvd_module_give_mem(d, mod, MOD_RODATA, LVD_DOMAIN_READ);
	if (!err)
		err = lvd_module_give_mem(d, mod, MOD_RO_AFTER_INIT,
					  LVD_DOMAIN_READ);
	if (!err)
		err = lvd_module_give_data(d, info);
	if (!err)
		err = lvd_glue_give(d);
	if (!err)
		err = lvd_domain_add_heap(d, LVD_MODULE_HEAP_SIZE);
	if (!err && text->size)
		err = set_memory_nx((unsigned long)text->base,
				    PAGE_ALIGN(text->size) >> PAGE_SHIFT);
	if (err)
		pr_err("%s: cannot be given to its domain (%d)\n", mod->name, err);
	else
		pr_info("%s: isolated in domain %u, %u kernel symbols through glue\n",
			mod->name, lvd_domain_index(d), lm->nr_kcalls);
	return err;
}

/* Run one of the module's functions (init or exit) in its domain. */
static int lvd_module_run(struct module *mod, unsigned long fn,
			  const char *what, unsigned long *ret)
{
	int err = lvd_domain_call(mod->lvd->domain, fn, NULL, ret);

	if (err)
		pr_err("%s: %s did not complete in its domain (%d)\n",
		       mod->name, what, err);
	return err;
}

/**
 * lvd_module_call_init() - run an isolated module's init function
 * @mod: the module
 *
 * Return: what it returned, or the domain's error (the domain stopped).
 */
int lvd_module_call_init(struct module *mod)
{
	unsigned long ret;
	int err;

	if (!mod->init)
		return 0;
	err = lvd_module_run(mod, (unsigned long)mod->init, "init", &ret);
	return err ?: (int)ret;
}

/**
 * lvd_module_call_exit() - run an isolated module's exit function
 * @mod: the module
 *
 * A stopped domain's exit function cannot run: the module is freed anyway.
 */
void lvd_module_call_exit(struct module *mod)
{
	unsigned long ret;

	if (mod->exit)
		lvd_module_run(mod, (unsigned long)mod->exit, "exit", &ret);
}

/**
 * lvd_module_free() - destroy an isolated module's domain, before its memory
 * @mod: the module (isolated or not)
 *
 * The owners of the glue it used forget the domain, then lose the module's
 * references; then the domain goes, and with it the module's memory from
 * every view, so the loader may free it.
 */
void lvd_module_free(struct module *mod)
{
	struct lvd_module *lm = mod->lvd;
	unsigned int i, j;

	if (!lm)
		return;
	for (i = 0; i < lm->nr_kcalls; i++) {
		struct lvd_glue_set *set = lm->sets[i];

		for (j = 0; j < i && lm->sets[j] != set; j++)
			;
		if (j == i && set->release)
			set->release(lm->domain);
	}
	for (i = 0; i < lm->nr_kcalls; i++)
		module_put(lm->sets[i]->owner);
	lvd_domain_destroy(lm->domain);
	kfree(lm);
	mod->lvd = NULL;
}
