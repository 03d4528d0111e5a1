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
 * each for a stated reason, and nothing else; a __jump_table naming only
 * the static keys listed is left out of the loaded image. Its parameters of the
 * kernel's standard types are parsed by the kernel, on copies, and
 * written into its data before its init function runs.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/elf.h>
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <lvd/domain.h>
#include <lvd/glue.h>
#include "internal.h"

/* The heap kmalloc() serves an isolated module from */
#define LVD_MODULE_HEAP_SIZE	(1024 * 1024)

/* The longest parameter name an isolated module may have, with its NUL */
#define LVD_MODULE_PARAM_NAME	64

/**
 * struct lvd_module_param - the kernel's copy of a parameter's descriptor
 * @name: its name, copied from the module
 * @target: the variable, the string's buffer or the array's elements, in
 *	the domain's data
 * @size: bytes at @target
 * @elemsize: bytes of each element (@size for a variable or a string)
 * @num: the array's count in the domain's data, or 0
 * @knum: the kernel's copy of the count: how many elements were given
 * @array: it is an array
 * @charp: its variable (or elements) is a char *
 * @str: the kernel's copy of a string's descriptor, for the kernel's ops
 * @arr: the kernel's copy of an array's descriptor, for the kernel's ops
 * @buf: the kernel's copy of @target, which the kernel's ops set
 * @set: the module's own set function, for a parameter whose ops are the
 *	module's: it runs in the domain, on the value given
 * @own: the module's struct kernel_param, which @set is given
 * @value: the value given, for @set; or NULL
 */
struct lvd_module_param {
	char name[LVD_MODULE_PARAM_NAME];
	unsigned long target;
	size_t size;
	size_t elemsize;
	unsigned long num;
	unsigned int knum;
	bool array;
	bool charp;
	union {
		struct kparam_string str;
		struct kparam_array arr;
	};
	void *buf;
	struct lvd_domain_fn set;
	unsigned long own;
	char *value;
};

/**
 * struct lvd_module - what LVD keeps of an isolated module
 * @domain: the domain it runs in
 * @nr_kcalls: how many kernel calls it has: LVD_GLUE_NR_DEFER, those of
 *	the glue page's deferring routines, then one for each other kernel
 *	symbol it imports
 * @kcalls: the glue for each, in kernel call (stub) order
 * @sets: the glue set each belongs to, whose owner it holds; NULL for a
 *	deferring routine's whose glue it does not import
 * @num_kp: how many parameters it has
 * @kp: the kernel's copies of its parameters, which the loader parses
 *	(mod->kp), until its init function runs
 * @params: what the kernel keeps of each, to write the values into the
 *	domain
 */
struct lvd_module {
	struct lvd_domain *domain;
	unsigned int nr_kcalls;
	struct lvd_kcall kcalls[LVD_GLUE_STUBS];
	struct lvd_glue_set *sets[LVD_GLUE_STUBS];
	unsigned int num_kp;
	struct kernel_param *kp;
	struct lvd_module_param *params;
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
	/* parameters, parsed by the kernel from checked copies; read-only */
	{ "__param" },
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

/* A __jump_table entry (struct jump_entry, relative), and where its key is */
#define LVD_MODULE_JUMP_ENTRY	16
#define LVD_MODULE_JUMP_KEY	8
#ifdef CONFIG_JUMP_LABEL
static_assert(sizeof(struct jump_entry) == LVD_MODULE_JUMP_ENTRY);
static_assert(offsetof(struct jump_entry, key) == LVD_MODULE_JUMP_KEY);
#endif

#ifdef CONFIG_LVD_TEST_HOOKS
/* A key for the selftests' modules to name in their __jump_table: never on */
struct static_key_false lvd_test_static_key = STATIC_KEY_FALSE_INIT;
EXPORT_SYMBOL_NS_GPL(lvd_test_static_key, LVD_TEST);
#endif

/*
 * The static keys an isolated module's __jump_table may name: keys whose
 * branches, left as compiled (off, for static_branch_unlikely() of a key
 * off by default), are right for what a domain has. The symbols resolve
 * to the kernel's keys, which the domain does not map: its code cannot
 * read or write them.
 */
static const struct lvd_glue lvd_module_keys[] = {
#if defined(CONFIG_ZONE_DEVICE) && defined(CONFIG_FS_DAX)
	/* put_page(): device pages, which a domain never has */
	{ "devmap_managed_key", .object = &devmap_managed_key },
#endif
#ifdef CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP
	/* page_folio(): fake heads of HugeTLB pages, which a domain never has */
	{ "hugetlb_optimize_vmemmap_key", .object = &hugetlb_optimize_vmemmap_key },
#endif
#ifdef CONFIG_LVD_TEST_HOOKS
	{ "lvd_test_static_key", .object = &lvd_test_static_key },
#endif
	{ }
};

static struct lvd_glue_set lvd_module_key_glue = {
	.glue = lvd_module_keys,
	.n = ARRAY_SIZE(lvd_module_keys) - 1,
};

static bool lvd_module_key_allowed(const char *name)
{
	unsigned int i;

	for (i = 0; i < lvd_module_key_glue.n; i++)
		if (!strcmp(name, lvd_module_keys[i].name))
			return true;
	return false;
}

static int lvd_module_refuse_jump_table(const struct load_info *info,
					const char *why, const char *key)
{
	pr_err("%s: an isolated module cannot have section __jump_table (%s%s)\n",
	       info->name, why, key);
	return -ENOEXEC;
}

/*
 * The name of the key a __jump_table relocation names, if it is a symbol
 * the module imports (one of its own, or a section, is no key it may name)
 */
static const char *lvd_module_jump_key(const struct load_info *info,
				       const Elf_Rela *rela)
{
	const Elf_Shdr *symsec = &info->sechdrs[info->index.sym];
	const Elf_Shdr *strsec = &info->sechdrs[symsec->sh_link];
	const Elf_Sym *syms = (void *)info->hdr + symsec->sh_offset;
	unsigned long n = ELF_R_SYM(rela->r_info);

	if (n >= symsec->sh_size / sizeof(*syms) ||
	    syms[n].st_name >= strsec->sh_size ||
	    syms[n].st_shndx != SHN_UNDEF)
		return NULL;
	return info->strtab + syms[n].st_name;
}

/* Are the keys section @sec's relocations name all allowed, one an entry? */
static int lvd_module_check_jump_table(const struct load_info *info,
				       unsigned int sec)
{
	const Elf_Shdr *s = &info->sechdrs[sec];
	unsigned long keys = 0, i;
	unsigned int r;

	if (s->sh_size % LVD_MODULE_JUMP_ENTRY)
		return lvd_module_refuse_jump_table(info, "not whole entries", "");
	for (r = 1; r < info->hdr->e_shnum; r++) {
		const Elf_Shdr *rs = &info->sechdrs[r];
		const Elf_Rela *rela = (void *)info->hdr + rs->sh_offset;

		if (rs->sh_type != SHT_RELA || rs->sh_info != sec)
			continue;
		for (i = 0; i < rs->sh_size / sizeof(*rela); i++) {
			const char *key;

			if (rela[i].r_offset % LVD_MODULE_JUMP_ENTRY !=
			    LVD_MODULE_JUMP_KEY)
				continue;
			key = lvd_module_jump_key(info, &rela[i]);
			if (!key || !lvd_module_key_allowed(key))
				return lvd_module_refuse_jump_table(info,
					"a static key not on the loader's list: ",
					key ?: "one of its own");
			keys++;
		}
	}
	if (keys != s->sh_size / LVD_MODULE_JUMP_ENTRY)
		return lvd_module_refuse_jump_table(info, "an entry without a key",
						    "");
	return 0;
}

/*
 * Static keys: a module's __jump_table lists the branches the kernel would
 * patch in its code when a key changes, and the kernel would write the
 * entries as it sorts them. An isolated module may have one only when
 * every entry names a key on lvd_module_keys[]; the table is then not
 * loaded (neither relocated nor registered), and each branch keeps the
 * direction it was compiled with.
 */
static int lvd_module_drop_jump_table(struct load_info *info)
{
	unsigned int i;
	int err;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		Elf_Shdr *s = &info->sechdrs[i];

		if (!(s->sh_flags & SHF_ALLOC) ||
		    strcmp(info->secstrings + s->sh_name, "__jump_table"))
			continue;
		err = lvd_module_check_jump_table(info, i);
		if (err)
			return err;
		s->sh_flags &= ~SHF_ALLOC;
	}
	return 0;
}

/*
 * objtool lists the ENDBRs of functions never called indirectly, for the
 * kernel to overwrite when the module loads (IBT sealing). A domain's code
 * is never a target of the kernel's indirect branches, and the kernel must
 * not write where the module's own list says: the list is emptied and not
 * loaded, so that neither the loader relocates it nor module_finalize()
 * walks it.
 */
static void lvd_module_drop_endbr_seal(struct load_info *info)
{
	unsigned int i;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		Elf_Shdr *s = &info->sechdrs[i];

		if (!strcmp(info->secstrings + s->sh_name, ".ibt_endbr_seal")) {
			s->sh_flags &= ~SHF_ALLOC;
			s->sh_size = 0;
		}
	}
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
	lvd_module_drop_endbr_seal(info);
	err = lvd_module_drop_jump_table(info);
	if (!err)
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
	/* The deferring routines' kernel calls have the first numbers */
	for (; lm->nr_kcalls < LVD_GLUE_NR_DEFER; lm->nr_kcalls++)
		lm->kcalls[lm->nr_kcalls].fn = lvd_glue_unimported;
	mod->lvd = lm;
	return 0;
}

/*
 * The parameter types the kernel parses for an isolated module, with the
 * kernel's own ops: the module's entries name them, and its symbols for
 * them resolve to the kernel's ops, which the domain is not given. Any
 * other ops would be the module's code, or act on its memory as it says.
 */
#define LVD_MODULE_PARAM_TYPE(t, type) \
	{ "param_ops_" #t, &param_ops_##t, sizeof(type) }

static const struct lvd_module_param_type {
	const char *sym;
	const struct kernel_param_ops *ops;
	size_t size;	/* of its variable; 0: a string or an array */
} lvd_module_param_types[] = {
	LVD_MODULE_PARAM_TYPE(bool, bool),
	LVD_MODULE_PARAM_TYPE(invbool, bool),
	LVD_MODULE_PARAM_TYPE(byte, unsigned char),
	LVD_MODULE_PARAM_TYPE(short, short),
	LVD_MODULE_PARAM_TYPE(ushort, unsigned short),
	LVD_MODULE_PARAM_TYPE(int, int),
	LVD_MODULE_PARAM_TYPE(uint, unsigned int),
	LVD_MODULE_PARAM_TYPE(long, long),
	LVD_MODULE_PARAM_TYPE(ulong, unsigned long),
	LVD_MODULE_PARAM_TYPE(ullong, unsigned long long),
	LVD_MODULE_PARAM_TYPE(hexint, unsigned int),
	LVD_MODULE_PARAM_TYPE(charp, char *),
	{ "param_ops_string", &param_ops_string, 0 },
	{ "param_array_ops", &param_array_ops, 0 },
};

/* The type whose ops are @ops (as the module's memory says), or NULL */
static const struct lvd_module_param_type *
lvd_module_param_type(const struct kernel_param_ops *ops)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_module_param_types); i++)
		if (ops == lvd_module_param_types[i].ops)
			return &lvd_module_param_types[i];
	return NULL;
}

/* The type whose ops' symbol is @sym, or NULL */
static const struct lvd_module_param_type *
lvd_module_param_type_named(const char *sym)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_module_param_types); i++)
		if (!strcmp(sym, lvd_module_param_types[i].sym))
			return &lvd_module_param_types[i];
	return NULL;
}

/**
 * lvd_module_resolve() - resolve an isolated module's undefined symbol
 * @mod: the module
 * @name: the symbol
 * @sym: its symbol table entry, whose st_value is set
 *
 * The glue page serves some symbols in the domain itself; the ops of the
 * parameter types the loader parses resolve to the kernel's, for the
 * loader to compare only; registered glue gets the module's next kernel
 * call number and its stub, or, if it has a deferring routine in the glue
 * page, that routine, whose kernel call number is fixed. Nothing else.
 *
 * Return: 0, or -ENOENT (-E2BIG for too many imports), with a message.
 */
int lvd_module_resolve(struct module *mod, const char *name, Elf_Sym *sym)
{
	struct lvd_module *lm = mod->lvd;
	const struct lvd_glue *glue;
	struct lvd_glue_set *set;
	const struct lvd_module_param_type *type;
	unsigned long local;

	local = lvd_glue_local(name);
	if (local) {
		sym->st_value = local;
		return 0;
	}
	type = lvd_module_param_type_named(name);
	if (type) {
		sym->st_value = (unsigned long)type->ops;
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
	if (glue->object) {
		/* Named, never mapped: the address is only a name */
		sym->st_value = (unsigned long)glue->object;
		module_put(set->owner);
		return 0;
	}
	if (glue->defer) {
		/* Its routine in the glue page, whose kernel call is fixed */
		unsigned int n = glue->defer - 1;

		if (n >= LVD_GLUE_NR_DEFER || lm->sets[n]) {
			module_put(set->owner);
			return n >= LVD_GLUE_NR_DEFER ? -ENOENT : 0;
		}
		lm->kcalls[n] = (struct lvd_kcall) {
			.fn = glue->fn, .flags = glue->flags,
		};
		lm->sets[n] = set;
		sym->st_value = lvd_glue_defer_routine(glue->defer);
		return 0;
	}
	if (lm->nr_kcalls == LVD_GLUE_STUBS) {
		module_put(set->owner);
		pr_err("%s: more than %u kernel symbols\n", mod->name,
		       LVD_GLUE_STUBS - LVD_GLUE_NR_DEFER);
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
 * Is section @i one of the writable sections that are the module's own
 * data, each on pages of its own? Never struct module's, nor the bug table.
 */
static bool lvd_module_domain_data(const struct load_info *info,
				   unsigned int i)
{
	const Elf_Shdr *s = &info->sechdrs[i];
	const struct lvd_module_section *sec;

	if (!(s->sh_flags & SHF_ALLOC) || !(s->sh_flags & SHF_WRITE) ||
	    s->sh_flags & SHF_RO_AFTER_INIT || !s->sh_size ||
	    i == info->index.mod || i == info->index.pcpu)
		return false;
	sec = lvd_module_section(info->secstrings + s->sh_name);
	return sec && sec->domain_writes;
}

/* Its data, the domain's to write */
static int lvd_module_give_data(struct lvd_domain *d,
				const struct load_info *info)
{
	unsigned int i;
	int err;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		const Elf_Shdr *s = &info->sechdrs[i];

		if (!lvd_module_domain_data(info, i))
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

/* Does [va, va + len) lie whole in one of the module's data sections? */
static bool lvd_module_in_data(const struct load_info *info, unsigned long va,
			       size_t len)
{
	unsigned int i;

	for (i = 1; len && i < info->hdr->e_shnum; i++) {
		const Elf_Shdr *s = &info->sechdrs[i];

		if (lvd_module_domain_data(info, i) && va >= s->sh_addr &&
		    len <= s->sh_size && va - s->sh_addr <= s->sh_size - len)
			return true;
	}
	return false;
}

static int lvd_module_param_refuse(const struct module *mod,
				   const struct lvd_module_param *p,
				   const char *why)
{
	pr_err("%s: parameter %s: %s\n", mod->name, p->name, why);
	return -ENOEXEC;
}

/*
 * What a string's or an array's descriptor says, copied from the domain:
 * where the kernel's ops will write, and the ops of an array's elements.
 */
static int lvd_module_param_desc(const struct module *mod,
				 struct lvd_module_param *p,
				 const struct lvd_module_param_type *type,
				 const struct kernel_param *e)
{
	struct lvd_domain *d = mod->lvd->domain;
	const struct lvd_module_param_type *elem;

	if (type->ops == &param_ops_string) {
		if (lvd_domain_copy_from(d, &p->str, (unsigned long)e->str,
					 sizeof(p->str)))
			return lvd_module_param_refuse(mod, p,
				"its string's descriptor is not in its memory");
		p->target = (unsigned long)p->str.string;
		p->size = p->str.maxlen;
		p->elemsize = p->size;
		return 0;
	}
	if (lvd_domain_copy_from(d, &p->arr, (unsigned long)e->arr,
				 sizeof(p->arr)))
		return lvd_module_param_refuse(mod, p,
			"its array's descriptor is not in its memory");
	elem = lvd_module_param_type(p->arr.ops);
	if (!elem || !elem->size)
		return lvd_module_param_refuse(mod, p,
			"an array of a type the loader does not parse");
	if (p->arr.elemsize != elem->size)
		return lvd_module_param_refuse(mod, p,
			"its array's elements are not the size of their type");
	p->array = true;
	p->charp = elem->ops == &param_ops_charp;
	p->target = (unsigned long)p->arr.elem;
	p->elemsize = elem->size;
	p->size = (size_t)p->arr.max * elem->size;
	p->num = (unsigned long)p->arr.num;
	p->arr.ops = elem->ops;
	p->arr.num = &p->knum;
	return 0;
}

/* Keep the value given to a parameter whose ops are the module's own */
static int lvd_module_param_own_set(const char *val,
				    const struct kernel_param *kp)
{
	struct lvd_module_param *p = kp->arg;
	char *value = kstrdup(val ?: "", GFP_KERNEL);

	if (!value)
		return -ENOMEM;
	kfree(p->value);
	p->value = value;
	return 0;
}

static const struct kernel_param_ops lvd_module_param_own_ops = {
	.set = lvd_module_param_own_set,
};

/*
 * A parameter whose ops are the module's own (null_blk's irqmode, say):
 * the kernel keeps the value given, and the module's set function parses
 * it in the domain before init runs, as the kernel would have at load.
 * Its get function is never called: the kernel shows no isolated
 * module's parameters in sysfs.
 */
static int lvd_module_param_own(struct module *mod,
				const struct kernel_param *own,
				struct kernel_param *kp,
				struct lvd_module_param *p,
				const struct kernel_param *e)
{
	unsigned long copy[DIV_ROUND_UP(sizeof(const struct kernel_param_ops),
					sizeof(long))];
	const struct kernel_param_ops *ops = (const void *)copy;
	struct lvd_domain *d = mod->lvd->domain;

	if (lvd_domain_copy_from(d, copy, (unsigned long)e->ops, sizeof(*ops)))
		return lvd_module_param_refuse(mod, p,
			"its own ops: not in its memory");
	if (ops->flags & ~KERNEL_PARAM_OPS_FL_NOARG)
		return lvd_module_param_refuse(mod, p,
			"its own ops: flags the loader does not know");
	if (lvd_domain_fn_bind(&p->set, d, (unsigned long)ops->set))
		return lvd_module_param_refuse(mod, p,
			"its own ops: set is not its code");
	p->own = (unsigned long)own;
	kp->name = p->name;
	kp->mod = mod;
	kp->ops = &lvd_module_param_own_ops;
	kp->level = e->level;
	kp->flags = e->flags & (KERNEL_PARAM_FL_UNSAFE | KERNEL_PARAM_FL_HWPARAM);
	kp->arg = p;
	return 0;
}

/*
 * The kernel's copy of the module's parameter @own, in @kp and @p: its name
 * and descriptors copied from the domain, its ops the kernel's, what it
 * sets checked to lie in the module's data and copied to a kernel buffer.
 * No sysfs file: the domain's values are not the kernel's to show.
 */
static int lvd_module_param_copy(struct module *mod,
				 const struct load_info *info,
				 const struct kernel_param *own,
				 struct kernel_param *kp,
				 struct lvd_module_param *p)
{
	struct lvd_domain *d = mod->lvd->domain;
	const struct lvd_module_param_type *type;
	struct kernel_param e;
	ssize_t len;
	int err;

	memcpy(&e, own, sizeof(e));
	len = lvd_domain_copy_string(d, p->name, (unsigned long)e.name,
				     sizeof(p->name));
	if (len < 0 || len == sizeof(p->name) - 1) {
		pr_err("%s: a parameter's name is not in its memory, or longer than %d\n",
		       mod->name, LVD_MODULE_PARAM_NAME - 2);
		return -ENOEXEC;
	}
	type = lvd_module_param_type(e.ops);
	if (!type)
		return lvd_module_param_own(mod, own, kp, p, &e);
	if (type->size) {
		p->charp = type->ops == &param_ops_charp;
		p->target = (unsigned long)e.arg;
		p->size = type->size;
		p->elemsize = p->size;
	} else {
		err = lvd_module_param_desc(mod, p, type, &e);
		if (err)
			return err;
	}
	if (!lvd_module_in_data(info, p->target, p->size))
		return lvd_module_param_refuse(mod, p,
			"what it sets is not in the module's writable data");
	if (p->num && !lvd_module_in_data(info, p->num, sizeof(p->knum)))
		return lvd_module_param_refuse(mod, p,
			"its array's count is not in the module's writable data");
	p->buf = kvzalloc(p->size, GFP_KERNEL);
	if (!p->buf)
		return -ENOMEM;
	/* What the kernel's ops leave alone keeps its value; a char * none */
	if (!p->array && !p->charp &&
	    lvd_domain_copy_from(d, p->buf, p->target, p->size))
		return lvd_module_param_refuse(mod, p,
			"its variable cannot be read");

	kp->name = p->name;
	kp->mod = mod;
	kp->ops = type->ops;
	kp->level = e.level;
	kp->flags = e.flags & (KERNEL_PARAM_FL_UNSAFE | KERNEL_PARAM_FL_HWPARAM);
	if (p->array) {
		p->arr.elem = p->buf;
		kp->arr = &p->arr;
	} else if (type->ops == &param_ops_string) {
		p->str.string = p->buf;
		kp->str = &p->str;
	} else {
		kp->arg = p->buf;
	}
	return 0;
}

/* Free the kernel's copies of the parameters (not what their ops set). */
static void lvd_module_params_free(struct lvd_module *lm)
{
	unsigned int i;

	for (i = 0; lm->params && i < lm->num_kp; i++) {
		kvfree(lm->params[i].buf);
		kfree(lm->params[i].value);
	}
	kfree(lm->params);
	kfree(lm->kp);
	lm->params = NULL;
	lm->kp = NULL;
	lm->num_kp = 0;
}

/*
 * The module's parameters (mod->kp, in its memory) are replaced by the
 * kernel's copies, which the loader parses. Nothing of them is ever used
 * from the module's memory: on refusal the module has none.
 */
static int lvd_module_params(struct module *mod, const struct load_info *info)
{
	const struct kernel_param *own = mod->kp;
	struct lvd_module *lm = mod->lvd;
	unsigned int i, n = mod->num_kp;
	int err;

	mod->kp = NULL;
	mod->num_kp = 0;
	if (!n)
		return 0;
	lm->kp = kcalloc(n, sizeof(*lm->kp), GFP_KERNEL);
	lm->params = kcalloc(n, sizeof(*lm->params), GFP_KERNEL);
	if (!lm->kp || !lm->params)
		return -ENOMEM;
	lm->num_kp = n;
	for (i = 0; i < n; i++) {
		err = lvd_module_param_copy(mod, info, &own[i], &lm->kp[i],
					    &lm->params[i]);
		if (err)
			return err;
	}
	mod->kp = lm->kp;
	mod->num_kp = n;
	return 0;
}

/*
 * The module's own set function, in its domain, on a copy of the value
 * given on its heap (freed after), with its own struct kernel_param.
 */
static int lvd_module_param_run_set(struct lvd_domain *d,
				    const struct lvd_module_param *p)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0, p->own }, ret;
	int err;

	if (!p->value)
		return 0;
	args[0] = lvd_glue_strdup(d, p->value);
	if (!args[0])
		return -ENOMEM;
	err = lvd_domain_fn_call(&p->set, args, &ret);
	lvd_domain_free(d, args[0]);
	return err ?: (int)ret;
}

/*
 * A parameter's value, as the kernel's ops set it, into the domain: each
 * char * a copy on the domain's heap; an array only when it was given; for
 * the module's own ops, what its set function makes of the value.
 */
static int lvd_module_param_write(struct lvd_domain *d,
				  const struct lvd_module_param *p)
{
	unsigned int i, n = p->array ? p->knum : 1;
	char * const *s = p->buf;
	unsigned long va;

	if (p->own)
		return lvd_module_param_run_set(d, p);
	if (!n)
		return 0;
	for (i = 0; p->charp && i < n; i++) {
		if (!s[i])
			continue;
		va = lvd_glue_strdup(d, s[i]);
		if (!va)
			return -ENOMEM;
		if (lvd_domain_copy_to(d, p->target + i * sizeof(va), &va,
				       sizeof(va)))
			return -EFAULT;
	}
	if (!p->charp &&
	    lvd_domain_copy_to(d, p->target, p->buf, n * p->elemsize))
		return -EFAULT;
	if (p->num && lvd_domain_copy_to(d, p->num, &p->knum, sizeof(p->knum)))
		return -EFAULT;
	return 0;
}

/*
 * Write every parameter's value into the domain, then free the kernel's
 * copies and what the kernel's ops allocated (char * strings).
 */
static int lvd_module_params_write(struct module *mod)
{
	struct lvd_module *lm = mod->lvd;
	unsigned int i;
	int err = 0;

	for (i = 0; i < lm->num_kp && !err; i++) {
		err = lvd_module_param_write(lm->domain, &lm->params[i]);
		if (err)
			pr_err("%s: parameter %s: its value is refused or cannot be written (%d)\n",
			       mod->name, lm->params[i].name, err);
	}
	mod->kp = NULL;
	mod->num_kp = 0;
	module_destroy_params(lm->kp, lm->num_kp);
	lvd_module_params_free(lm);
	return err;
}

/*
 * The get functions of the standard parameter types, which a module's own
 * kernel_param_ops may name (null_blk's irqmode uses param_get_int): only
 * names, as the kernel never calls an isolated module's get.
 */
static const struct lvd_glue lvd_module_param_getters[] = {
	{ "param_get_int", .object = param_get_int },
	{ "param_get_uint", .object = param_get_uint },
	{ "param_get_ulong", .object = param_get_ulong },
	{ "param_get_bool", .object = param_get_bool },
	{ "param_get_charp", .object = param_get_charp },
};

static struct lvd_glue_set lvd_module_param_glue = {
	.glue = lvd_module_param_getters,
	.n = ARRAY_SIZE(lvd_module_param_getters),
};

static int __init lvd_module_param_glue_init(void)
{
	return lvd_glue_register(&lvd_module_param_glue) ?:
	       lvd_glue_register(&lvd_module_key_glue);
}
late_initcall(lvd_module_param_glue_init);

/* How many kernel symbols it imports through glue */
static unsigned int lvd_module_imports(const struct lvd_module *lm)
{
	unsigned int i, n = 0;

	for (i = 0; i < lm->nr_kcalls; i++)
		n += !!lm->sets[i];
	return n;
}

/**
 * lvd_module_enter() - move a formed isolated module into its domain
 * @mod: the module, relocated, its memory protected
 * @info: the module being loaded
 *
 * The domain gets the text (read, execute), the read-only data, the
 * writable sections, the glue page and a heap; the kernel's own mapping of
 * the text becomes non-executable. The module's parameters become the
 * kernel's copies, for the loader to parse.
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
	if (!err)
		err = lvd_domain_add_percpu(d);
	if (!err && text->size)
		err = set_memory_nx((unsigned long)text->base,
				    PAGE_ALIGN(text->size) >> PAGE_SHIFT);
	if (err) {
		pr_err("%s: cannot be given to its domain (%d)\n", mod->name, err);
		return err;
	}
	err = lvd_module_params(mod, info);
	if (err)
		return err;
	pr_info("%s: isolated in domain %u, %u kernel symbols through glue\n",
		mod->name, lvd_domain_index(d), lvd_module_imports(lm));
	return 0;
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
 * First the values of its parameters, as the loader parsed them, are
 * written into its data.
 *
 * Return: what it returned, or the domain's error (the domain stopped).
 */
int lvd_module_call_init(struct module *mod)
{
	unsigned long ret;
	int err;

	err = lvd_module_params_write(mod);
	if (err || !mod->init)
		return err;
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
		if (set && j == i && set->release)
			set->release(lm->domain);
	}
	for (i = 0; i < lm->nr_kcalls; i++)
		if (lm->sets[i])
			module_put(lm->sets[i]->owner);
	if (mod->kp == lm->kp) {
		mod->kp = NULL;
		mod->num_kp = 0;
	}
	lvd_module_params_free(lm);
	lvd_domain_destroy(lm->domain);
	kfree(lm);
	mod->lvd = NULL;
}

#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_module_stop() - stop a live isolated module's domain, as a fault in
 * it would
 * @name: the module
 *
 * For the selftests: a fault injected into a real driver, which does not
 * fault on request, in the middle of its work.
 *
 * Return: 0, or -ENOENT when no live isolated module has that name.
 */
int lvd_module_stop(const char *name)
{
	struct module *mod;
	int ret = -ENOENT;

	mutex_lock(&module_mutex);
	mod = find_module(name);
	if (mod && mod->lvd && mod->lvd->domain &&
	    mod->state == MODULE_STATE_LIVE) {
		lvd_domain_stop_now(mod->lvd->domain);
		ret = 0;
	}
	mutex_unlock(&module_mutex);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(lvd_module_stop, LVD_TEST);
#endif
