// SPDX-License-Identifier: GPL-2.0
/*
 * EPT builder: 4-level EPT paging structures over table pages that a
 * caller-supplied allocator provides.
 *
 * Every change runs in two passes over its range. The first, "prepare",
 * gives the range the tables it needs: it links new empty tables and splits
 * the large pages that the range covers only in part into tables of smaller
 * pages with the same address, access and memory type. Neither changes what
 * any guest-physical address translates to. When an allocation fails, the
 * change stops there: the empty tables it linked are unlinked and freed
 * again, and every address translates as before. The second pass,
 * "commit", writes the leaf entries; it allocates nothing and cannot fail.
 *
 * Entries are written whole, with one 64-bit store each, and a new table
 * is filled before the entry that links it is written, so a CPU walking the
 * EPT meanwhile sees either the old or the new entry, never a mix.
 *
 * The builder runs in both worlds: in the kernel, which builds its own EPT
 * before the launch, and in root mode, which builds the domains'. So it is
 * noinstr, but for lvd_ept_map_identity(), which only the kernel calls.
 */

#include <linux/align.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/pgtable_types.h>
#include <asm/vmx.h>

#include "root/ept.h"

/* A table holds 512 eight-byte entries. */
#define EPT_ENTRIES		(PAGE_SIZE / sizeof(u64))

/* Tables allow everything: the leaf entry decides the access. */
#define EPT_TABLE_PROT		VMX_EPT_RWX_MASK

/* Bit 7 of a PDPTE or PDE maps a 1G or 2M page, as in x86 page tables. */
#define EPT_LARGE		_PAGE_PSE

/* Host-physical addresses an entry can hold: bits 51:12. */
#define EPT_HPA_LIMIT		(LVD_EPT_ADDR_MASK + PAGE_SIZE)

static __always_inline u64 ept_size(int level)
{
	return lvd_ept_level_size(level);
}

static __always_inline unsigned int ept_index(u64 gpa, int level)
{
	unsigned int shift = PAGE_SHIFT + (level - 1) * LVD_EPT_LEVEL_BITS;

	return (gpa >> shift) & (EPT_ENTRIES - 1);
}

/* Both only for entries that are not 0. */
static __always_inline bool ept_is_leaf(u64 entry, int level)
{
	return level == LVD_EPT_LEVEL_4K || (entry & EPT_LARGE);
}

static __always_inline bool ept_is_table(u64 entry, int level)
{
	return entry && !ept_is_leaf(entry, level);
}

static __always_inline u64 *ept_table_of(u64 entry)
{
	return __va(entry & LVD_EPT_ADDR_MASK);
}

static __always_inline u64 ept_leaf(u64 hpa, u64 prot, u8 memtype, int level)
{
	u64 entry = hpa | prot | LVD_EPT_MAPPED |
		    ((u64)memtype << VMX_EPT_MT_EPTE_SHIFT);

	return level > LVD_EPT_LEVEL_4K ? entry | EPT_LARGE : entry;
}

static __always_inline bool ept_level_allowed(const struct lvd_ept *ept, int level)
{
	switch (level) {
	case LVD_EPT_LEVEL_4K:
		return true;
	case LVD_EPT_LEVEL_2M:
		return ept->large_2m;
	case LVD_EPT_LEVEL_1G:
		return ept->large_1g;
	default:
		return false;
	}
}

static __always_inline bool ept_memtype_valid(u8 memtype)
{
	switch (memtype) {
	case X86_MEMTYPE_UC:
	case X86_MEMTYPE_WC:
	case X86_MEMTYPE_WT:
	case X86_MEMTYPE_WP:
	case X86_MEMTYPE_WB:
		return true;
	default:
		return false;
	}
}

/* Write-only and write-execute entries are EPT misconfigurations. */
static __always_inline bool ept_prot_valid(u64 prot)
{
	if (prot & ~VMX_EPT_RWX_MASK)
		return false;
	return !(prot & VMX_EPT_WRITABLE_MASK) ||
	       (prot & VMX_EPT_READABLE_MASK);
}

static __always_inline bool ept_range_valid(u64 gpa, u64 size)
{
	return size && PAGE_ALIGNED(gpa) && PAGE_ALIGNED(size) &&
	       size <= LVD_EPT_GPA_LIMIT && gpa <= LVD_EPT_GPA_LIMIT - size;
}

/*
 * The allocator's functions are called through local pointers:
 * alloc_page() and free_page() are also macros of <linux/gfp.h>.
 *
 * objtool cannot follow a pointer: the calls are marked as leaving noinstr
 * code, which they do for the kernel's allocators (its own EPT, before the
 * launch; KUnit), called from the kernel. Root mode's (domain_hv.c) are
 * noinstr, and objtool checks them as such.
 */
static noinstr void ept_free_page(struct lvd_ept *ept, void *va, phys_addr_t pa)
{
	void (*free_fn)(void *ctx, void *va, phys_addr_t pa) =
		ept->alloc.free_page;

	instrumentation_begin();
	free_fn(ept->alloc.ctx, va, pa);
	instrumentation_end();
}

static noinstr u64 *ept_alloc_table(struct lvd_ept *ept, phys_addr_t *pa)
{
	void *(*alloc_fn)(void *ctx, phys_addr_t *pa) = ept->alloc.alloc_page;
	void *va;

	instrumentation_begin();
	va = alloc_fn(ept->alloc.ctx, pa);
	instrumentation_end();
	if (!va)
		return NULL;
	/* Walks find tables through the direct map. */
	if (WARN_ON_ONCE(!PAGE_ALIGNED(*pa) || va != __va(*pa))) {
		ept_free_page(ept, va, *pa);
		return NULL;
	}
	ept->nr_tables++;
	return va;
}

/* Free @table, whose entries are at @level, and every table below it. */
static noinstr void ept_free_table(struct lvd_ept *ept, u64 *table, int level)
{
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES && level > LVD_EPT_LEVEL_4K; i++) {
		if (ept_is_table(table[i], level))
			ept_free_table(ept, ept_table_of(table[i]), level - 1);
	}
	ept_free_page(ept, table, __pa(table));
	ept->nr_tables--;
}

/* Replace *@entryp, at @level, by @entry; free the tables it unlinks. */
static noinstr void ept_set_entry(struct lvd_ept *ept, u64 *entryp, int level,
				  u64 entry)
{
	u64 old = *entryp;

	WRITE_ONCE(*entryp, entry);
	if (ept_is_table(old, level))
		ept_free_table(ept, ept_table_of(old), level - 1);
}

/* Fill @table with the pages, at @level, that make up the large @leaf. */
static noinstr void ept_fill_split(u64 *table, u64 leaf, int level)
{
	u64 attrs = leaf & ~(LVD_EPT_ADDR_MASK | EPT_LARGE);
	phys_addr_t hpa = lvd_ept_entry_hpa(leaf);
	unsigned int i;

	if (level > LVD_EPT_LEVEL_4K)
		attrs |= EPT_LARGE;
	for (i = 0; i < EPT_ENTRIES; i++)
		table[i] = (hpa + i * ept_size(level)) | attrs;
}

/*
 * Make *@entryp, at @level, point to a table: link a new empty one when it
 * maps nothing, split it when it maps a large page.
 */
static noinstr int ept_make_table(struct lvd_ept *ept, u64 *entryp, int level)
{
	u64 entry = *entryp;
	phys_addr_t pa;
	u64 *table;

	if (ept_is_table(entry, level))
		return 0;
	table = ept_alloc_table(ept, &pa);
	if (!table)
		return -ENOMEM;
	if (entry)
		ept_fill_split(table, entry, level - 1);
	/* The table's entries before the entry that links it. */
	smp_wmb();
	WRITE_ONCE(*entryp, pa | EPT_TABLE_PROT);
	return 0;
}

static noinstr bool ept_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		if (table[i])
			return false;
	}
	return true;
}

/* Unlink and free the tables in [@start, @end) that map nothing. */
static noinstr void ept_prune(struct lvd_ept *ept, u64 *table, int level, u64 start,
			      u64 end)
{
	u64 addr, next, *entryp, *child;

	for (addr = start; addr < end; addr = next) {
		next = min(ALIGN_DOWN(addr, ept_size(level)) + ept_size(level),
			   end);
		entryp = &table[ept_index(addr, level)];
		if (!ept_is_table(*entryp, level))
			continue;
		child = ept_table_of(*entryp);
		ept_prune(ept, child, level - 1, addr, next);
		if (ept_table_empty(child))
			ept_set_entry(ept, entryp, level, 0);
	}
}

/* One change to a range of guest-physical addresses. */
enum ept_op_kind {
	EPT_OP_MAP,
	EPT_OP_PROTECT,
	EPT_OP_UNMAP,
};

/**
 * struct ept_op - a change to the EPT, as both passes see it
 * @kind:	what to do
 * @start:	first guest-physical address of the range
 * @end:	the address after it
 * @hpa:	map: the host-physical address that @start maps to
 * @prot:	map, protect: the access to allow
 * @memtype:	map: the memory type, unless @memtype_fn gives it
 * @memtype_fn:	map: the memory type of a range, and whether it is uniform
 * @ctx:	passed to @memtype_fn
 * @commit:	this is the second pass, which writes leaf entries
 */
struct ept_op {
	enum ept_op_kind kind;
	u64 start;
	u64 end;
	phys_addr_t hpa;
	u64 prot;
	u8 memtype;
	u8 (*memtype_fn)(void *ctx, u64 start, u64 end, bool *uniform);
	void *ctx;
	bool commit;
};

/* What to do with one entry of the range. */
enum ept_step {
	EPT_SKIP,	/* nothing */
	EPT_LEAF,	/* write (or clear) it as a leaf entry */
	EPT_DESCEND,	/* make it a table and go down */
};

static __always_inline bool ept_op_covers(const struct ept_op *op, u64 base, int level)
{
	return base >= op->start && base + ept_size(level) <= op->end;
}

/* Map as one page at @level only what the page can map whole. */
static noinstr int ept_map_step(const struct lvd_ept *ept, const struct ept_op *op,
				u64 base, int level, u8 *memtype)
{
	u64 size = ept_size(level);
	bool uniform = true;

	if (!ept_op_covers(op, base, level) || !ept_level_allowed(ept, level) ||
	    !IS_ALIGNED(op->hpa + (base - op->start), size))
		return EPT_DESCEND;
	*memtype = op->memtype;
	if (op->memtype_fn) {
		/* Only the kernel maps by memtype_fn: lvd_ept_map_identity() */
		instrumentation_begin();
		*memtype = op->memtype_fn(op->ctx, base, base + size, &uniform);
		instrumentation_end();
	}
	if (!ept_memtype_valid(*memtype))
		return -EINVAL;
	/* A 4K page takes the type it is given, uniform or not. */
	if (!uniform && level > LVD_EPT_LEVEL_4K)
		return EPT_DESCEND;
	return EPT_LEAF;
}

/*
 * What @op does to @entry, which maps [@base, @base + size of @level).
 * Protect and unmap leave alone what is not mapped.
 */
static noinstr int ept_step(const struct lvd_ept *ept, const struct ept_op *op,
			    u64 entry, u64 base, int level, u8 *memtype)
{
	switch (op->kind) {
	case EPT_OP_MAP:
		return ept_map_step(ept, op, base, level, memtype);
	case EPT_OP_PROTECT:
		if (!entry)
			return EPT_SKIP;
		if (ept_is_table(entry, level) ||
		    !ept_op_covers(op, base, level))
			return EPT_DESCEND;
		return EPT_LEAF;
	case EPT_OP_UNMAP:
		if (!entry)
			return EPT_SKIP;
		return ept_op_covers(op, base, level) ? EPT_LEAF : EPT_DESCEND;
	}
	return -EINVAL;
}

static noinstr void ept_commit_leaf(struct lvd_ept *ept, const struct ept_op *op,
				    u64 *entryp, u64 base, int level, u8 memtype)
{
	u64 hpa = op->hpa + (base - op->start);

	switch (op->kind) {
	case EPT_OP_MAP:
		ept_set_entry(ept, entryp, level,
			      ept_leaf(hpa, op->prot, memtype, level));
		break;
	case EPT_OP_PROTECT:
		WRITE_ONCE(*entryp, (*entryp & ~VMX_EPT_RWX_MASK) | op->prot);
		break;
	case EPT_OP_UNMAP:
		ept_set_entry(ept, entryp, level, 0);
		break;
	}
}

/* Run one pass of @op over [@start, @end) of @table, at @level. */
static noinstr int ept_walk(struct lvd_ept *ept, const struct ept_op *op,
			    u64 *table, int level, u64 start, u64 end)
{
	u64 size = ept_size(level);
	u64 addr, next, base, *entryp;
	u8 memtype = 0;
	int step, err;

	for (addr = start; addr < end; addr = next) {
		base = ALIGN_DOWN(addr, size);
		next = min(base + size, end);
		entryp = &table[ept_index(addr, level)];
		step = ept_step(ept, op, *entryp, base, level, &memtype);
		if (step < 0)
			return step;
		if (step == EPT_SKIP)
			continue;
		if (step == EPT_LEAF) {
			if (op->commit)
				ept_commit_leaf(ept, op, entryp, base, level,
						memtype);
			continue;
		}
		if (!op->commit) {
			err = ept_make_table(ept, entryp, level);
			if (err)
				return err;
		}
		/* The commit pass finds the tables that prepare made. */
		if (WARN_ON_ONCE(!ept_is_table(*entryp, level)))
			return -EFAULT;
		err = ept_walk(ept, op, ept_table_of(*entryp), level - 1, addr,
			       next);
		if (err)
			return err;
	}
	return 0;
}

static noinstr int ept_apply(struct lvd_ept *ept, struct ept_op *op)
{
	int err;

	op->commit = false;
	err = ept_walk(ept, op, ept->pml4, LVD_EPT_LEVEL_PML4, op->start,
		       op->end);
	if (!err) {
		op->commit = true;
		err = ept_walk(ept, op, ept->pml4, LVD_EPT_LEVEL_PML4,
			       op->start, op->end);
		/* Only a memtype callback that changed its mind gets here. */
		WARN_ON_ONCE(err);
	}
	if (err || op->kind == EPT_OP_UNMAP)
		ept_prune(ept, ept->pml4, LVD_EPT_LEVEL_PML4, op->start,
			  op->end);
	return err;
}

/**
 * lvd_ept_init() - set up an empty EPT
 * @ept: the EPT
 * @alloc: where its table pages come from; copied
 * @large_2m: map with 2M pages where alignment and memory types allow
 * @large_1g: map with 1G pages where alignment and memory types allow
 *
 * Pass @large_2m and @large_1g only when the CPU offers the page size
 * (IA32_VMX_EPT_VPID_CAP, &enum lvd_cap LVD_CAP_EPT_2M and LVD_CAP_EPT_1G).
 *
 * Return: 0, -EINVAL when @alloc lacks a function, -ENOMEM when it has no
 * page for the PML4.
 */
noinstr int lvd_ept_init(struct lvd_ept *ept, const struct lvd_ept_alloc *alloc,
			 bool large_2m, bool large_1g)
{
	*ept = (struct lvd_ept) {
		.large_2m = large_2m,
		.large_1g = large_1g,
	};
	if (!alloc || !alloc->alloc_page || !alloc->free_page)
		return -EINVAL;
	ept->alloc = *alloc;
	ept->pml4 = ept_alloc_table(ept, &ept->pml4_pa);
	return ept->pml4 ? 0 : -ENOMEM;
}

/**
 * lvd_ept_destroy() - free every table page of an EPT
 * @ept: the EPT; may be one that lvd_ept_init() failed to set up
 *
 * The EPT must not be in use by any CPU (nor in any EPTP list) any more.
 */
noinstr void lvd_ept_destroy(struct lvd_ept *ept)
{
	if (!ept->pml4)
		return;
	ept_free_table(ept, ept->pml4, LVD_EPT_LEVEL_PML4);
	ept->pml4 = NULL;
	ept->pml4_pa = 0;
}

/**
 * lvd_ept_map() - map a range of guest-physical addresses
 * @ept: the EPT
 * @gpa: first guest-physical address, 4K-aligned
 * @hpa: the host-physical address it maps to, 4K-aligned
 * @size: bytes to map, a multiple of 4K
 * @prot: access to allow: VMX_EPT_{READABLE,WRITABLE,EXECUTABLE}_MASK; 0
 *	  maps the range but not present; write needs read, and execute
 *	  alone needs the CPU's execute-only support
 * @memtype: EPT memory type, X86_MEMTYPE_{UC,WC,WT,WP,WB}
 *
 * Maps with the largest pages that the alignment of @gpa and @hpa, @size
 * and the EPT's page sizes allow, and replaces whatever the range mapped
 * before: large pages that it covers in part are split, tables that it
 * covers whole are freed. Leaf entries leave "ignore PAT" clear, so the
 * guest's PAT combines with @memtype.
 *
 * The caller serialises every change to @ept, and flushes the CPUs'
 * translations with INVEPT after it (successful or not) and before the
 * allocator hands the freed table pages out again. Allocates only through
 * the EPT's allocator, and sleeps only where it does.
 *
 * Return: 0; -EINVAL for bad arguments, nothing changed; -ENOMEM when the
 * allocator ran out: every address in the range translates as before
 * (large pages in it may be left split).
 */
noinstr int lvd_ept_map(struct lvd_ept *ept, u64 gpa, phys_addr_t hpa, u64 size,
			u64 prot, u8 memtype)
{
	struct ept_op op = {
		.kind = EPT_OP_MAP, .start = gpa, .end = gpa + size,
		.hpa = hpa, .prot = prot, .memtype = memtype,
	};

	if (!ept_range_valid(gpa, size) || !PAGE_ALIGNED(hpa) ||
	    size > EPT_HPA_LIMIT || hpa > EPT_HPA_LIMIT - size ||
	    !ept_prot_valid(prot) || !ept_memtype_valid(memtype))
		return -EINVAL;
	return ept_apply(ept, &op);
}

/**
 * lvd_ept_map_identity() - map [0, @end) to itself with its memory types
 * @ept: the EPT
 * @end: the address after the last one to map, 4K-aligned
 * @memtype: returns the memory type of [start, end) and sets *@uniform when
 *	     that type holds over the whole range; called for 1G, 2M and 4K
 *	     ranges, and must answer the same every time
 * @ctx: passed to @memtype
 * @prot: access to allow, as for lvd_ept_map()
 *
 * Maps each 1G or 2M range (as the EPT's page sizes allow) as one page
 * where its memory type is uniform, and the rest with 4K pages, each with
 * the type @memtype gives it. Replaces what [0, @end) mapped before. The
 * caller serialises and flushes, as for lvd_ept_map().
 *
 * Return: 0; -EINVAL for a bad @end or @prot, or a memory type that is not
 * one of X86_MEMTYPE_{UC,WC,WT,WP,WB}; -ENOMEM when the allocator ran out.
 * On an error every address translates as before.
 */
int lvd_ept_map_identity(struct lvd_ept *ept, u64 end,
			 u8 (*memtype)(void *ctx, u64 start, u64 end,
				       bool *uniform),
			 void *ctx, u64 prot)
{
	struct ept_op op = {
		.kind = EPT_OP_MAP, .start = 0, .end = end, .hpa = 0,
		.prot = prot, .memtype_fn = memtype, .ctx = ctx,
	};

	if (!memtype || !ept_range_valid(0, end) || !ept_prot_valid(prot))
		return -EINVAL;
	return ept_apply(ept, &op);
}

/**
 * lvd_ept_protect() - change the access allowed to a mapped range
 * @ept: the EPT
 * @gpa: first guest-physical address, 4K-aligned
 * @size: bytes, a multiple of 4K
 * @prot: access to allow, as for lvd_ept_map(); 0 makes the range not
 *	  present but keeps its addresses and memory types for a later
 *	  lvd_ept_protect()
 *
 * Large pages that the range covers in part are split first; addresses
 * and memory types stay as they are, and what the range does not map
 * stays unmapped. The caller serialises and flushes, as for lvd_ept_map().
 *
 * Return: 0; -EINVAL for bad arguments; -ENOMEM when the allocator ran
 * out: every address translates as before (large pages may be left split).
 */
noinstr int lvd_ept_protect(struct lvd_ept *ept, u64 gpa, u64 size, u64 prot)
{
	struct ept_op op = {
		.kind = EPT_OP_PROTECT, .start = gpa, .end = gpa + size,
		.prot = prot,
	};

	if (!ept_range_valid(gpa, size) || !ept_prot_valid(prot))
		return -EINVAL;
	return ept_apply(ept, &op);
}

/**
 * lvd_ept_unmap() - unmap a range
 * @ept: the EPT
 * @gpa: first guest-physical address, 4K-aligned
 * @size: bytes, a multiple of 4K
 *
 * Large pages that the range covers in part are split first; tables left
 * empty are freed. The caller serialises and flushes, as for
 * lvd_ept_map().
 *
 * Return: 0; -EINVAL for bad arguments; -ENOMEM when the allocator ran
 * out (only a split needs memory): every address translates as before.
 */
noinstr int lvd_ept_unmap(struct lvd_ept *ept, u64 gpa, u64 size)
{
	struct ept_op op = {
		.kind = EPT_OP_UNMAP, .start = gpa, .end = gpa + size,
	};

	if (!ept_range_valid(gpa, size))
		return -EINVAL;
	return ept_apply(ept, &op);
}

/**
 * lvd_ept_lookup() - the leaf entry that maps a guest-physical address
 * @ept: the EPT
 * @gpa: the address
 * @level: set to the entry's level, LVD_EPT_LEVEL_{4K,2M,1G}, or 0 when
 *	   nothing maps @gpa; may be NULL
 *
 * Return: the leaf entry (LVD_EPT_MAPPED set; present when it allows any
 * access), or 0 when nothing maps @gpa.
 */
noinstr u64 lvd_ept_lookup(const struct lvd_ept *ept, u64 gpa, int *level)
{
	const u64 *table = ept->pml4;
	u64 entry;
	int l;

	/* Level 1 entries are all leaves: the walk ends there at the latest. */
	for (l = LVD_EPT_LEVEL_PML4; gpa < LVD_EPT_GPA_LIMIT; l--) {
		entry = READ_ONCE(table[ept_index(gpa, l)]);
		if (!entry)
			break;
		if (ept_is_leaf(entry, l)) {
			if (level)
				*level = l;
			return entry;
		}
		table = ept_table_of(entry);
	}
	if (level)
		*level = 0;
	return 0;
}

/**
 * lvd_ept_eptp() - the EPT pointer for the VMCS or an EPTP list
 * @ept: the EPT
 *
 * Return: the PML4's address with a 4-level walk, write-back paging
 * structures and accessed/dirty flags off.
 */
noinstr u64 lvd_ept_eptp(const struct lvd_ept *ept)
{
	return ept->pml4_pa | VMX_EPTP_PWL_4 | VMX_EPTP_MT_WB;
}
