// SPDX-License-Identifier: GPL-2.0
/*
 * A domain's heap: memory the domain owns and uses as it likes, handed out
 * in pieces by an allocator whose bookkeeping stays in the kernel. The
 * domain may scribble over every byte of its heap and lie about what it
 * frees; it cannot make the kernel write outside the heap, or hand the
 * same piece out twice while it is in use.
 *
 * Not genalloc: gen_pool_free() must be told the size of what it frees,
 * and kfree() glue has only the domain's pointer, which the domain may
 * have forged. The second bitmap here records where each piece starts,
 * so a free is checked against the kernel's own record.
 */

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <lvd/domain.h>
#include "domain/domain_heap.h"

/* Pieces are multiples of this, aligned to it at least */
#define LVD_HEAP_GRANULE	16

/**
 * struct lvd_domain_heap - a domain's heap, as the kernel keeps it
 * @lock: protects the bitmaps
 * @base: its first byte (given to the domain)
 * @size: the bytes it hands out in pieces, from @base
 * @span: the bytes of memory it has, from @base
 * @granules: how many granules it has
 * @used: granules handed out
 * @start: granules that begin a piece
 */
struct lvd_domain_heap {
	spinlock_t lock;	/* protects @used and @start */
	unsigned long base;
	size_t size;
	size_t span;
	unsigned long granules;
	unsigned long *used;
	unsigned long *start;
};

/* Contiguous if it can be (one hypercall gives it all), else vmalloc */
static void *lvd_domain_heap_mem(size_t size)
{
	struct page *pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
					 get_order(size));

	return pages ? page_address(pages) : vzalloc(size);
}

static void lvd_domain_heap_mem_free(void *mem, size_t size)
{
	if (is_vmalloc_addr(mem))
		vfree(mem);
	else if (mem)
		free_pages((unsigned long)mem, get_order(size));
}

/**
 * lvd_domain_heap_create_span() - a heap for a domain in memory given to
 * it read-write, which the heap's pieces need not cover
 * @d: the domain
 * @size: bytes handed out in pieces, from the start of the memory
 * @span: bytes of memory, at least @size; both multiples of the page size
 *
 * Return: the heap, or an ERR_PTR: -ENOMEM, or an error of
 * lvd_domain_give().
 */
struct lvd_domain_heap *lvd_domain_heap_create_span(struct lvd_domain *d,
						    size_t size, size_t span)
{
	struct lvd_domain_heap *h = kzalloc(sizeof(*h), GFP_KERNEL);
	void *mem = lvd_domain_heap_mem(span);
	int err = -ENOMEM;

	if (!h || !mem)
		goto fail;
	spin_lock_init(&h->lock);
	h->base = (unsigned long)mem;
	h->size = size;
	h->span = span;
	h->granules = size / LVD_HEAP_GRANULE;
	h->used = bitmap_zalloc(h->granules, GFP_KERNEL);
	h->start = bitmap_zalloc(h->granules, GFP_KERNEL);
	if (!h->used || !h->start)
		goto fail;
	err = lvd_domain_give(d, h->base, span,
			      LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	if (!err)
		return h;
fail:
	if (h) {
		bitmap_free(h->used);
		bitmap_free(h->start);
	}
	kfree(h);
	lvd_domain_heap_mem_free(mem, span);
	return ERR_PTR(err);
}

/**
 * lvd_domain_heap_create() - a heap for a domain, given to it read-write
 * @d: the domain
 * @size: bytes, a multiple of the page size
 *
 * Return: the heap, or an ERR_PTR: -ENOMEM, or an error of
 * lvd_domain_give().
 */
struct lvd_domain_heap *lvd_domain_heap_create(struct lvd_domain *d,
					       size_t size)
{
	return lvd_domain_heap_create_span(d, size, size);
}

/**
 * lvd_domain_heap_destroy() - free a heap, once its domain is gone
 * @h: the heap, or NULL
 */
void lvd_domain_heap_destroy(struct lvd_domain_heap *h)
{
	if (!h)
		return;
	lvd_domain_heap_mem_free((void *)h->base, h->span);
	bitmap_free(h->used);
	bitmap_free(h->start);
	kfree(h);
}

/**
 * lvd_domain_heap_alloc() - a piece of a domain's heap
 * @h: the heap
 * @size: bytes
 * @zero: clear it
 *
 * Aligned as kmalloc() aligns: to the power of two at or above @size, up to
 * a page, and to LVD_HEAP_GRANULE at least.
 *
 * Return: its address, or 0 when @size is 0 or the heap has no room.
 */
unsigned long lvd_domain_heap_alloc(struct lvd_domain_heap *h, size_t size,
				    bool zero)
{
	unsigned long n, align, g, flags, va;

	if (!size || size > h->size)
		return 0;
	n = DIV_ROUND_UP(size, LVD_HEAP_GRANULE);
	align = min_t(unsigned long, roundup_pow_of_two(n),
		      PAGE_SIZE / LVD_HEAP_GRANULE);
	spin_lock_irqsave(&h->lock, flags);
	g = bitmap_find_next_zero_area(h->used, h->granules, 0, n, align - 1);
	if (g >= h->granules) {
		spin_unlock_irqrestore(&h->lock, flags);
		return 0;
	}
	bitmap_set(h->used, g, n);
	__set_bit(g, h->start);
	spin_unlock_irqrestore(&h->lock, flags);
	va = h->base + g * LVD_HEAP_GRANULE;
	if (zero)
		memset((void *)va, 0, n * LVD_HEAP_GRANULE);
	return va;
}

/**
 * lvd_domain_heap_free() - give a piece back
 * @h: the heap
 * @va: what lvd_domain_heap_alloc() returned, as the domain passes it
 *
 * Anything else (0, an address outside the heap, inside a piece, or of a
 * piece already free) is ignored.
 *
 * Return: true when a piece was freed.
 */
bool lvd_domain_heap_free(struct lvd_domain_heap *h, unsigned long va)
{
	unsigned long g, end, flags;
	bool freed = false;

	if (va < h->base || va - h->base >= h->size ||
	    (va - h->base) % LVD_HEAP_GRANULE)
		return false;
	g = (va - h->base) / LVD_HEAP_GRANULE;
	spin_lock_irqsave(&h->lock, flags);
	if (test_bit(g, h->start)) {
		/* The piece runs to the next piece or the next free granule */
		end = min(find_next_bit(h->start, h->granules, g + 1),
			  find_next_zero_bit(h->used, h->granules, g + 1));
		bitmap_clear(h->used, g, end - g);
		__clear_bit(g, h->start);
		freed = true;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return freed;
}

/**
 * lvd_domain_heap_base() - where a heap's memory starts
 * @h: the heap
 *
 * Return: the address of its first byte, in the kernel and the domain.
 */
unsigned long lvd_domain_heap_base(const struct lvd_domain_heap *h)
{
	return h->base;
}
