// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for get_random_bytes(): random bytes into the domain's buffer, a
 * page at most per call.
 */

#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/random.h>
#include <lvd/glue.h>

/* get_random_bytes(buf, len) */
static unsigned long lvd_glue_random_bytes(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long dst = args[0], len = min(args[1], PAGE_SIZE), n;
	u8 bytes[64];

	for (; len; len -= n, dst += n) {
		n = min(len, sizeof(bytes));
		get_random_bytes(bytes, n);
		if (lvd_domain_copy_to(d, dst, bytes, n))
			break;
	}
	memzero_explicit(bytes, sizeof(bytes));
	return 0;
}

static const struct lvd_glue lvd_glue_random_syms[] = {
	{ "get_random_bytes", lvd_glue_random_bytes },
};

static struct lvd_glue_set lvd_glue_random_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_random_syms,
	.n = ARRAY_SIZE(lvd_glue_random_syms),
};

static int __init lvd_glue_random_init(void)
{
	return lvd_glue_register(&lvd_glue_random_set);
}
late_initcall(lvd_glue_random_init);
