// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for the kernel's string helpers that an isolated module calls and
 * that do more than the glue page's own code: parsing numbers, trimming,
 * bounded copies and duplicates. Each reads the domain's string into a
 * kernel buffer of at most LVD_GLUE_STRING_MAX bytes (a longer string is
 * refused with -EINVAL, or cut where the function bounds it), runs the
 * kernel's function on the copy and writes what it produces back.
 */

#include <linux/kstrtox.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <lvd/glue.h>

#define LVD_GLUE_STRING_MAX	256
/* The longest number kstrto*() glue parses, with its NUL */
#define LVD_GLUE_NUMBER_MAX	64

/* The domain's string at @va, whole, in @buf; -EINVAL when too long */
static int lvd_glue_string_in(struct lvd_domain *d, char *buf, size_t size,
			      unsigned long va)
{
	ssize_t len = lvd_domain_copy_string(d, buf, va, size);

	if (len < 0)
		return len;
	return (size_t)len == size - 1 ? -EINVAL : 0;
}

/* kstrtoull(s, base, res), kstrtoint(), kstrtouint(): @size bytes at res */
static unsigned long lvd_glue_kstrto(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS],
				     bool is_signed, size_t size)
{
	char s[LVD_GLUE_NUMBER_MAX];
	unsigned long long u;
	long long v;
	int err, i;
	u32 u32v;

	err = lvd_glue_string_in(d, s, sizeof(s), args[0]);
	if (err)
		return err;
	if (is_signed) {
		err = kstrtoint(s, args[1], &i);
		if (!err && lvd_domain_copy_to(d, args[2], &i, sizeof(i)))
			err = -EFAULT;
		return err;
	}
	if (size == sizeof(u32v)) {
		err = kstrtouint(s, args[1], &u32v);
		if (!err && lvd_domain_copy_to(d, args[2], &u32v, size))
			err = -EFAULT;
		return err;
	}
	err = kstrtoull(s, args[1], &u);
	v = u;
	if (!err && lvd_domain_copy_to(d, args[2], &v, sizeof(v)))
		err = -EFAULT;
	return err;
}

static unsigned long lvd_glue_kstrtoint(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_kstrto(d, args, true, sizeof(int));
}

static unsigned long lvd_glue_kstrtouint(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_kstrto(d, args, false, sizeof(u32));
}

static unsigned long lvd_glue_kstrtoull(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_kstrto(d, args, false, sizeof(u64));
}

/* kstrtobool(s, res) */
static unsigned long lvd_glue_kstrtobool(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	char s[LVD_GLUE_NUMBER_MAX];
	bool b;
	int err;

	err = lvd_glue_string_in(d, s, sizeof(s), args[0]);
	if (!err)
		err = kstrtobool(s, &b);
	if (!err && lvd_domain_copy_to(d, args[1], &b, sizeof(b)))
		err = -EFAULT;
	return err;
}

/*
 * strim(s): the trailing whitespace cut off in place, and the address of
 * the first character that is not whitespace. A string too long to copy
 * is returned as it is.
 */
static unsigned long lvd_glue_strim(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	char s[LVD_GLUE_STRING_MAX], *t;

	if (lvd_glue_string_in(d, s, sizeof(s), args[0]))
		return args[0];
	t = strim(s);
	if (lvd_domain_copy_to(d, args[0] + strlen(s), "", 1))
		return args[0];
	return args[0] + (t - s);
}

/*
 * sized_strscpy(dst, src, size): what strscpy() compiles to. A string
 * longer than the glue's bound is cut there, as if @size said so.
 */
static unsigned long lvd_glue_strscpy(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	size_t size = args[2], cap;
	char s[LVD_GLUE_STRING_MAX];
	ssize_t len;

	if (!size || size > INT_MAX)
		return -E2BIG;
	/* What fits, and one more to tell whether there was more */
	cap = min_t(size_t, size - 1, LVD_GLUE_STRING_MAX - 2);
	len = lvd_domain_copy_string(d, s, args[1], cap + 2);
	if (len < 0)
		return len;
	if ((size_t)len > cap)
		s[cap] = 0;
	if (lvd_domain_copy_to(d, args[0], s, min_t(size_t, len, cap) + 1))
		return -EFAULT;
	return (size_t)len > cap ? -E2BIG : len;
}

/* kstrndup(s, max, gfp): a copy on the domain's heap */
static unsigned long lvd_glue_kstrndup(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	size_t size = min_t(unsigned long, args[1], LVD_GLUE_STRING_MAX - 1) + 1;
	char s[LVD_GLUE_STRING_MAX];

	if (!args[0] || lvd_domain_copy_string(d, s, args[0], size) < 0)
		return 0;
	return lvd_glue_strdup(d, s);
}

static const struct lvd_glue lvd_glue_string_syms[] = {
	{ "kstrtoint", lvd_glue_kstrtoint },
	{ "kstrtouint", lvd_glue_kstrtouint },
	{ "kstrtoull", lvd_glue_kstrtoull },
	{ "kstrtobool", lvd_glue_kstrtobool },
	{ "strim", lvd_glue_strim },
	{ "sized_strscpy", lvd_glue_strscpy },
	{ "kstrndup", lvd_glue_kstrndup },
};

static struct lvd_glue_set lvd_glue_string_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_string_syms,
	.n = ARRAY_SIZE(lvd_glue_string_syms),
};

static int __init lvd_glue_string_init(void)
{
	return lvd_glue_register(&lvd_glue_string_set);
}
late_initcall(lvd_glue_string_init);
