/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's own memory pool.
 */
#ifndef _ARCH_X86_LVD_POOL_H
#define _ARCH_X86_LVD_POOL_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/page.h>

#define LVD_POOL_CHUNK_ORDER	9			/* 2 MiB */
#define LVD_POOL_CHUNK_PAGES	BIT(LVD_POOL_CHUNK_ORDER)
#define LVD_POOL_CHUNK_SIZE	(PAGE_SIZE << LVD_POOL_CHUNK_ORDER)

void *lvd_pool_alloc(unsigned int order, phys_addr_t *pa);
void lvd_pool_free(void *va);
bool lvd_pool_contains(phys_addr_t pa);
/* Called on each chunk: its physical start and size. */
typedef int (*lvd_pool_chunk_fn)(void *ctx, phys_addr_t start, size_t size);

int lvd_pool_walk_chunks(lvd_pool_chunk_fn fn, void *ctx);
unsigned long lvd_pool_nr_pages(void);
void lvd_pool_seal(void);

#endif /* _ARCH_X86_LVD_POOL_H */
