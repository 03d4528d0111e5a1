// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's EPT: an identity map of physical memory (RAM, device memory
 * and the holes between, each with its memory type) with the hypervisor's
 * own memory cut out, and the EPTP list that VMFUNC switches through, with
 * the kernel's EPT at index 0.
 *
 * Both are built once, before the first CPU enters non-root mode, while no
 * CPU runs under them: table pages come from the pool, and the pool is
 * sealed once every chunk of it is hidden, chunks that building the EPT
 * itself added included.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/vmx.h>
#include "hypervisor.h"

#include "root/ept.h"
#include "hv/hv.h"
#include "hv/memtype.h"
#include "hv/pool.h"

/* The kernel's index in the EPTP list. */
#define LVD_KERNEL_EPTP_INDEX	0

static void *lvd_kernel_ept_alloc(void *ctx, phys_addr_t *pa)
{
	return lvd_pool_alloc(0, pa);
}

static void lvd_kernel_ept_free(void *ctx, void *va, phys_addr_t pa)
{
	lvd_pool_free(va);
}

static const struct lvd_ept_alloc lvd_kernel_ept_pages = {
	.alloc_page = lvd_kernel_ept_alloc,
	.free_page = lvd_kernel_ept_free,
};

static int lvd_kernel_ept_hide_chunk(void *ctx, phys_addr_t start, size_t size)
{
	return lvd_ept_unmap(ctx, start, size);
}

/**
 * lvd_kernel_ept_init() - build the kernel's EPT and the EPTP list
 * @hv: the hypervisor's state; fills in its kernel EPT, EPTP and list
 *
 * Call before any CPU launches. Takes every page it needs from the pool,
 * hides every chunk of the pool in the new EPT, and seals the pool, so the
 * hypervisor must have allocated everything else it needs by now.
 *
 * Return: 0, or -ENOMEM (what was taken stays in the pool).
 */
int lvd_kernel_ept_init(struct lvd_hv *hv)
{
	struct lvd_ept *ept = &hv->kernel_ept;
	u64 end = lvd_kernel_phys_end();
	int ret;

	hv->eptp_list = lvd_pool_alloc(0, &hv->eptp_list_pa);
	if (!hv->eptp_list)
		return -ENOMEM;
#ifdef CONFIG_LVD_TEST_HOOKS
	hv->hidden_page = lvd_pool_alloc(0, NULL);
	if (!hv->hidden_page)
		return -ENOMEM;
#endif

	ret = lvd_ept_init(ept, &lvd_kernel_ept_pages,
			   lvd_caps_has(&hv->caps, LVD_CAP_EPT_2M),
			   lvd_caps_has(&hv->caps, LVD_CAP_EPT_1G));
	if (ret)
		return ret;
	ret = lvd_ept_map_identity(ept, end, lvd_kernel_memtype, NULL, VMX_EPT_RWX_MASK);
	if (ret)
		return ret;
	hv->kernel_eptp = lvd_ept_eptp(ept);
	hv->eptp_list[LVD_KERNEL_EPTP_INDEX] = hv->kernel_eptp;

	/* Splitting large pages may add chunks: the walk visits those too. */
	ret = lvd_pool_walk_chunks(lvd_kernel_ept_hide_chunk, ept);
	if (ret)
		return ret;
	lvd_pool_seal();
	pr_info("kernel EPT: identity map up to %#llx in %lu table pages; %lu KiB of hypervisor memory hidden\n",
		end, ept->nr_tables,
		lvd_pool_nr_pages() * (PAGE_SIZE / SZ_1K));
	return 0;
}

/* For lvd_test_hv only */
#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_hv_hidden_page() - a page of hypervisor memory, for tests
 *
 * The page holds nothing, and the kernel's EPT does not map it: any access
 * by the kernel is an EPT violation, which the kernel sees as a page fault
 * it cannot retry.
 *
 * Return: the page's address in the direct map, or NULL when the hypervisor
 * did not start.
 */
void *lvd_hv_hidden_page(void)
{
	return lvd_hv.kernel_eptp ? lvd_hv.hidden_page : NULL;
}
EXPORT_SYMBOL_NS_GPL(lvd_hv_hidden_page, LVD_TEST);
#endif
