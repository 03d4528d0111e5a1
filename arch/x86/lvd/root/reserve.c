// SPDX-License-Identifier: GPL-2.0
/*
 * Root mode's share of the hypervisor's pool (hv/pool.c): the pages set
 * aside for root mode before the pool is sealed, and the lookup of
 * hypervisor memory by physical address. Both run in root mode, take no
 * lock the kernel could hold and never sleep.
 */

#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>

#include "hv/pool.h"

/**
 * lvd_pool_contains() - is a physical address hypervisor memory?
 * @pa: the address
 *
 * Takes no lock, so root mode may call it whatever the kernel holds.
 *
 * Return: true when @pa lies in one of the pool's chunks.
 */
noinstr bool lvd_pool_contains(phys_addr_t pa)
{
	struct lvd_pool_chunk *chunk;
	phys_addr_t start;

	list_for_each_entry_lockless(chunk, &lvd_pool_chunks, node) {
		start = page_to_phys(chunk->pages);
		if (pa >= start && pa < start + LVD_POOL_CHUNK_SIZE)
			return true;
	}
	return false;
}

/*
 * Pages set aside for root mode: after the seal, only root mode hands out
 * and takes back pool pages (domain EPTs), under a lock that only root
 * mode takes, with interrupts off there, so it never waits on the kernel.
 */
static void *lvd_root_free;		/* a page; its first word links the next */
static unsigned long lvd_root_nr_free;
static arch_spinlock_t lvd_root_lock = __ARCH_SPIN_LOCK_UNLOCKED;

/**
 * lvd_root_page_alloc() - a zeroed page of hypervisor memory, in root mode
 * @pa: where to store its physical address
 *
 * Return: the page's address in the direct map, or NULL when the reserve
 * is empty.
 */
noinstr void *lvd_root_page_alloc(phys_addr_t *pa)
{
	void *page;

	lvd_root_spin_lock(&lvd_root_lock);
	page = lvd_root_free;
	if (page) {
		lvd_root_free = *(void **)page;
		lvd_root_nr_free--;
	}
	lvd_root_spin_unlock(&lvd_root_lock);
	if (!page)
		return NULL;
	__memset(page, 0, PAGE_SIZE);	/* clear_page() is kernel code */
	*pa = __pa(page);
	return page;
}

/**
 * lvd_root_page_free() - give a page back to root mode's reserve
 * @page: a page from lvd_root_page_alloc()
 *
 * The caller has made sure that no CPU can still reach it through a
 * cached translation.
 */
noinstr void lvd_root_page_free(void *page)
{
	lvd_root_spin_lock(&lvd_root_lock);
	*(void **)page = lvd_root_free;
	lvd_root_free = page;
	lvd_root_nr_free++;
	lvd_root_spin_unlock(&lvd_root_lock);
}

/**
 * lvd_root_pages_free() - how many pages root mode's reserve holds
 *
 * Return: the number of free pages; racy, for statistics.
 */
unsigned long lvd_root_pages_free(void)
{
	return READ_ONCE(lvd_root_nr_free);
}
