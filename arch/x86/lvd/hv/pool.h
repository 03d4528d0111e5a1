/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's own memory pool.
 */
#ifndef _ARCH_X86_LVD_POOL_H
#define _ARCH_X86_LVD_POOL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/page.h>

#define LVD_POOL_CHUNK_ORDER	9			/* 2 MiB */
#define LVD_POOL_CHUNK_PAGES	BIT(LVD_POOL_CHUNK_ORDER)
#define LVD_POOL_CHUNK_SIZE	(PAGE_SIZE << LVD_POOL_CHUNK_ORDER)

/**
 * struct lvd_pool_chunk - a naturally aligned 2-MiB block of the pool
 * @node: in lvd_pool_chunks, which chunks are only ever appended to
 * @pages: its first page
 * @used: pages handed out from its start
 */
struct lvd_pool_chunk {
	struct list_head node;
	struct page *pages;
	unsigned int used;
};

extern struct list_head lvd_pool_chunks;

/* hv/pool.c: the kernel's side, until the pool is sealed */
void *lvd_pool_alloc(unsigned int order, phys_addr_t *pa);
void lvd_pool_free(void *va);
/* Called on each chunk: its physical start and size. */
typedef int (*lvd_pool_chunk_fn)(void *ctx, phys_addr_t start, size_t size);

int lvd_pool_walk_chunks(lvd_pool_chunk_fn fn, void *ctx);
unsigned long lvd_pool_nr_pages(void);
void lvd_pool_seal(void);
int lvd_pool_reserve_for_root(unsigned long nr);

/* root/reserve.c: root mode's side */
bool lvd_pool_contains(phys_addr_t pa);
void *lvd_root_page_alloc(phys_addr_t *pa);
void lvd_root_page_free(void *page);
unsigned long lvd_root_pages_free(void);

/*
 * Root mode's locks (the reserve's, the domains'), held briefly, with
 * interrupts off, by root mode (and by the kernel before the launch):
 * spin on the lock word. arch_spin_lock() and arch_spin_unlock() may call
 * paravirt functions (KVM's wait and kick), kernel code.
 */
static __always_inline void lvd_root_spin_lock(arch_spinlock_t *lock)
{
	while (!arch_spin_trylock(lock))
		cpu_relax();
}

static __always_inline void lvd_root_spin_unlock(arch_spinlock_t *lock)
{
	smp_store_release(&lock->locked, 0);	/* a qspinlock's unlock */
}

#endif /* _ARCH_X86_LVD_POOL_H */
