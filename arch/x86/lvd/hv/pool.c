// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor's own memory: VMXON and VMCS regions, root-mode stacks,
 * descriptor tables, bitmaps, EPT tables and EPTP lists all come from here.
 *
 * Memory is taken from the page allocator in naturally aligned 2-MiB chunks
 * so that the kernel's EPT can hide each chunk with few, large entries.
 * Pages are handed out zeroed and never returned to the page allocator
 * while LVD runs: the kernel must not get them back while a view might
 * still map them.
 *
 * The kernel's EPT hides every chunk. It is built before the first CPU
 * enters non-root mode, and the pool is sealed then: from that point the
 * kernel can no longer write pool pages, so it must not allocate or free
 * any. Chunks are only ever appended to the chunk list, so walking it
 * needs no lock: root mode looks addresses up without spinning
 * (root/reserve.c).
 *
 * Not genalloc: root mode must look addresses up and take pages in
 * noinstr code, without the locks and RCU of gen_pool_has_addr() and
 * gen_pool_alloc(), and a sealed pool takes no more allocations at all.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hv/pool.h"

LIST_HEAD(lvd_pool_chunks);
static LIST_HEAD(lvd_pool_free_pages);	/* single pages given back */
static DEFINE_SPINLOCK(lvd_pool_lock);
static unsigned int lvd_pool_nr_chunks;
static bool lvd_pool_sealed;

static struct lvd_pool_chunk *lvd_pool_grow(void)
{
	struct lvd_pool_chunk *chunk;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return NULL;
	chunk->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
				   LVD_POOL_CHUNK_ORDER);
	if (!chunk->pages) {
		kfree(chunk);
		return NULL;
	}
	return chunk;
}

static void *lvd_pool_take(unsigned int nr, phys_addr_t *pa)
{
	struct lvd_pool_chunk *chunk;
	struct page *page;

	list_for_each_entry(chunk, &lvd_pool_chunks, node) {
		if (chunk->used + nr > LVD_POOL_CHUNK_PAGES)
			continue;
		/* Keep multi-page blocks naturally aligned. */
		chunk->used = ALIGN(chunk->used, nr);
		if (chunk->used + nr > LVD_POOL_CHUNK_PAGES)
			continue;
		page = chunk->pages + chunk->used;
		chunk->used += nr;
		if (pa)
			*pa = page_to_phys(page);
		return page_address(page);
	}
	return NULL;
}

/**
 * lvd_pool_alloc() - allocate zeroed, physically contiguous hypervisor pages
 * @order: log2 of the number of pages (at most %LVD_POOL_CHUNK_ORDER)
 * @pa: where to store the physical address, or NULL
 *
 * May sleep. The pages stay in the pool: lvd_pool_free() makes them
 * available to later allocations of the pool only.
 *
 * Return: the pages' kernel address, or NULL when out of memory.
 */
void *lvd_pool_alloc(unsigned int order, phys_addr_t *pa)
{
	struct lvd_pool_chunk *chunk = NULL;
	unsigned int nr = 1U << order;
	void *va;

	if (WARN_ON(order > LVD_POOL_CHUNK_ORDER))
		return NULL;
	/* The kernel EPT hides the pool: the kernel cannot fill these pages. */
	if (WARN_ONCE(READ_ONCE(lvd_pool_sealed),
		      "lvd: allocation from the sealed hypervisor pool\n"))
		return NULL;

	for (;;) {
		spin_lock(&lvd_pool_lock);
		if (order == 0 && !list_empty(&lvd_pool_free_pages)) {
			struct list_head *free = lvd_pool_free_pages.next;

			list_del(free);
			va = free;
			clear_page(va);
			if (pa)
				*pa = __pa(va);
		} else {
			if (chunk) {
				list_add_tail_rcu(&chunk->node, &lvd_pool_chunks);
				WRITE_ONCE(lvd_pool_nr_chunks,
					   lvd_pool_nr_chunks + 1);
				chunk = NULL;
			}
			va = lvd_pool_take(nr, pa);
		}
		spin_unlock(&lvd_pool_lock);
		if (va || chunk)
			break;
		chunk = lvd_pool_grow();
		if (!chunk)
			return NULL;
	}
	return va;
}

/**
 * lvd_pool_free() - give a page back to the pool
 * @va: an order-0 page from lvd_pool_alloc()
 *
 * Not after lvd_pool_seal(): the page then stays where it is.
 */
void lvd_pool_free(void *va)
{
	if (!va || WARN_ONCE(READ_ONCE(lvd_pool_sealed),
			     "lvd: free into the sealed hypervisor pool\n"))
		return;
	spin_lock(&lvd_pool_lock);
	list_add((struct list_head *)va, &lvd_pool_free_pages);
	spin_unlock(&lvd_pool_lock);
}

/**
 * lvd_pool_walk_chunks() - call @fn on the physical range of each chunk
 * @fn: the callback; a non-zero return stops the walk and is returned
 * @ctx: passed to @fn
 *
 * @fn may allocate from the pool: a chunk that its allocations add is
 * visited too, after the others.
 *
 * Return: 0, or the first non-zero value @fn returned.
 */
int lvd_pool_walk_chunks(lvd_pool_chunk_fn fn, void *ctx)
{
	struct lvd_pool_chunk *chunk;
	int ret;

	list_for_each_entry_lockless(chunk, &lvd_pool_chunks, node) {
		ret = fn(ctx, page_to_phys(chunk->pages), LVD_POOL_CHUNK_SIZE);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * lvd_pool_reserve_for_root() - set pool pages aside for root mode
 * @nr: how many pages
 *
 * Before lvd_pool_seal() only.
 *
 * Return: 0 or -ENOMEM (what was set aside stays set aside).
 */
int lvd_pool_reserve_for_root(unsigned long nr)
{
	void *page;

	while (nr--) {
		page = lvd_pool_alloc(0, NULL);
		if (!page)
			return -ENOMEM;
		lvd_root_page_free(page);
	}
	return 0;
}

/**
 * lvd_pool_seal() - no more allocations or frees by the kernel
 *
 * Called once the kernel's EPT hides every chunk: from then on the kernel
 * could not even clear a page it took.
 */
void lvd_pool_seal(void)
{
	WRITE_ONCE(lvd_pool_sealed, true);
}

/**
 * lvd_pool_nr_pages() - how much memory the hypervisor holds
 *
 * Return: the number of 4-KiB pages in the pool's chunks.
 */
unsigned long lvd_pool_nr_pages(void)
{
	return (unsigned long)READ_ONCE(lvd_pool_nr_chunks) * LVD_POOL_CHUNK_PAGES;
}
