// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for printk(): an isolated module's messages, formatted by the
 * kernel from what the domain passes, which may be anything; and for
 * sprintf() and snprintf(), formatted the same way into the domain.
 *
 * The format is copied out of the domain and walked here: each conversion
 * is checked (flags, width, precision, length, then one of d i u x X c s p
 * or %) and rebuilt before it reaches the kernel's vsnprintf(), with an
 * argument of the type it names. A width or precision beyond the output's
 * size is refused: vsnprintf() would pad it out whatever the buffer. %s
 * strings are copied from the domain; %p prints the value, hashed, and
 * never dereferences it; %pM and %pm print a 6-byte hardware address
 * copied from the domain. Only the five arguments that come in registers
 * are used.
 *
 * print_hex_dump() dumps at most LVD_PRINTK_HEX_MAX bytes copied from the
 * domain; its last two arguments are read from the domain's stack.
 */

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <lvd/glue.h>

#define LVD_PRINTK_MAX		256
#define LVD_PRINTK_STRING_MAX	64
#define LVD_PRINTK_ARGS		(LVD_DOMAIN_ARGS - 1)
/* The most of a domain's buffer print_hex_dump() shows */
#define LVD_PRINTK_HEX_MAX	4096
/* A line of it, as the kernel's: 32 bytes in hex, then as text */
#define LVD_PRINTK_HEX_LINE	(32 * 3 + 2 + 32 + 1)

/* What may come between '%' and the conversion */
static const char lvd_printk_spec_chars[] = "-+ #0123456789.hlzjt";

/* One argument of the domain's, formatted by @conv into @out */
static int lvd_printk_one(struct lvd_domain *d, char *out, size_t size,
			  const char *flags, size_t nflags, bool wide,
			  char conv, unsigned long arg)
{
	char spec[24], str[LVD_PRINTK_STRING_MAX];
	size_t n = 0;

	spec[n++] = '%';
	memcpy(spec + n, flags, nflags);
	n += nflags;
	if (wide && conv != 's' && conv != 'p' && conv != 'c') {
		spec[n++] = 'l';
		spec[n++] = 'l';
	}
	spec[n++] = conv;
	spec[n] = 0;

	switch (conv) {
	case 's':
		if (lvd_domain_copy_string(d, str, arg, sizeof(str)) < 0)
			strscpy(str, "(efault)", sizeof(str));
		return scnprintf(out, size, spec, str);
	case 'p':
		return scnprintf(out, size, spec, (void *)arg);
	case 'c':
		return scnprintf(out, size, spec, (int)arg);
	case 'd':
	case 'i':
		return wide ? scnprintf(out, size, spec, (long long)arg) :
			      scnprintf(out, size, spec, (int)arg);
	default:
		return wide ? scnprintf(out, size, spec, (unsigned long long)arg) :
			      scnprintf(out, size, spec, (unsigned int)arg);
	}
}

/* %pM (@colons) or %pm: the 6-byte address at @arg in the domain */
static int lvd_printk_mac(struct lvd_domain *d, char *out, size_t size,
			  bool colons, unsigned long arg)
{
	u8 mac[6];

	if (lvd_domain_copy_from(d, mac, arg, sizeof(mac)))
		return scnprintf(out, size, "(efault)");
	return colons ? scnprintf(out, size, "%pM", mac) :
			scnprintf(out, size, "%pm", mac);
}

/*
 * Flags, then at most a width and a precision, each no larger than the
 * output: the @n characters after '%' that lvd_printk_one() passes on.
 */
static bool lvd_printk_bounded(const char *spec, size_t n)
{
	size_t i = strspn(spec, "-+ #0");
	unsigned int value = 0;
	bool dot = false;

	for (; i < n; i++) {
		if (spec[i] == '.' && !dot) {
			dot = true;
			value = 0;
			continue;
		}
		if (!isdigit(spec[i]))
			return false;
		value = value * 10 + spec[i] - '0';
		if (value > LVD_PRINTK_MAX)
			return false;
	}
	return true;
}

/*
 * The domain's @fmt with its @nargs @args, into @out; bad conversions, and
 * conversions beyond @nargs, print as "%?"
 */
static void lvd_printk_format(struct lvd_domain *d, char *out, size_t size,
			      const char *fmt, const unsigned long *args,
			      unsigned int nargs)
{
	unsigned int used = 0;
	size_t len = 0, n, i;
	bool wide;
	char conv;

	while (*fmt && len < size - 1) {
		if (*fmt != '%') {
			out[len++] = *fmt++;
			continue;
		}
		n = strspn(fmt + 1, lvd_printk_spec_chars);
		conv = fmt[1 + n];
		if (conv == '%' && !n) {
			out[len++] = '%';
			fmt += 2;
			continue;
		}
		if (!conv || n > 8 || !strchr("diuxXcsp", conv) ||
		    used == nargs) {
			len += scnprintf(out + len, size - len, "%%?");
			fmt += 1 + n + !!conv;
			continue;
		}
		if (conv == 'p' && !n && (fmt[2] == 'M' || fmt[2] == 'm')) {
			len += lvd_printk_mac(d, out + len, size - len,
					      fmt[2] == 'M', args[used++]);
			fmt += 3;
			continue;
		}
		/* Length modifiers are dropped: they only say how wide */
		wide = false;
		for (i = 0; i < n; i++)
			wide |= !!strchr("lzjt", fmt[1 + i]);
		n = strspn(fmt + 1, "-+ #0123456789.");
		if (!lvd_printk_bounded(fmt + 1, n)) {
			len += scnprintf(out + len, size - len, "%%?");
			used++;
			fmt += 1 + strspn(fmt + 1, lvd_printk_spec_chars) + 1;
			continue;
		}
		len += lvd_printk_one(d, out + len, size - len, fmt + 1, n, wide,
				      conv, args[used++]);
		fmt += 1 + strspn(fmt + 1, lvd_printk_spec_chars) + 1;
	}
	out[len] = 0;
}

/*
 * At the module's level; without one (or as a continuation, which would
 * append to someone else's line) at the default level, a warning.
 */
static void lvd_printk_emit(int level, const char *name, const char *prefix,
			    const char *out)
{
	switch (level) {
	case '0':
		pr_emerg("%s%s%s", name, prefix, out);
		break;
	case '1':
		pr_alert("%s%s%s", name, prefix, out);
		break;
	case '2':
		pr_crit("%s%s%s", name, prefix, out);
		break;
	case '3':
		pr_err("%s%s%s", name, prefix, out);
		break;
	case '5':
		pr_notice("%s%s%s", name, prefix, out);
		break;
	case '6':
		pr_info("%s%s%s", name, prefix, out);
		break;
	case '7':
		pr_debug("%s%s%s", name, prefix, out);
		break;
	default:
		pr_warn("%s%s%s", name, prefix, out);
	}
}

/* _printk(fmt, ...): the message, prefixed with the module's name */
static unsigned long lvd_glue_printk(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	char fmt[LVD_PRINTK_MAX], out[LVD_PRINTK_MAX];
	const char *name = lvd_domain_name(d), *prefix = ": ", *text;
	size_t len = strlen(name);
	int level;

	if (lvd_domain_copy_string(d, fmt, args[0], sizeof(fmt)) < 0)
		return -EFAULT;
	level = printk_get_level(fmt);
	text = printk_skip_level(fmt);
	lvd_printk_format(d, out, sizeof(out), text, args + 1, LVD_PRINTK_ARGS);
	/* Its name first, unless the module put it there itself */
	if (!strncmp(out, name, len) && out[len] == ':') {
		name = "";
		prefix = "";
	}
	lvd_printk_emit(level, name, prefix, out);
	return strlen(out);
}

/*
 * One line of a hex dump: @n of the bytes copied to @p, from @va in the
 * domain, @off bytes into the dump
 */
static void lvd_printk_hex_line(struct lvd_domain *d, int level,
				const char *prefix, unsigned long type,
				unsigned long va, size_t off, const u8 *p,
				size_t n, int rowsize, int groupsize, bool ascii)
{
	char line[LVD_PRINTK_HEX_LINE];
	char out[LVD_PRINTK_STRING_MAX + 24 + LVD_PRINTK_HEX_LINE];

	hex_dump_to_buffer(p, n, rowsize, groupsize, line, sizeof(line), ascii);
	if (type == DUMP_PREFIX_ADDRESS)
		snprintf(out, sizeof(out), "%s%p: %s", prefix,
			 (void *)(va + off), line);
	else if (type == DUMP_PREFIX_OFFSET)
		snprintf(out, sizeof(out), "%s%.8zx: %s", prefix, off, line);
	else
		snprintf(out, sizeof(out), "%s%s", prefix, line);
	lvd_printk_emit(level, lvd_domain_name(d), ": ", out);
}

/*
 * print_hex_dump(level, prefix_str, prefix_type, rowsize, groupsize, buf,
 * len, ascii): buf's first LVD_PRINTK_HEX_MAX bytes at most, copied from
 * the domain, each line as the kernel's, after the module's name; the
 * addresses DUMP_PREFIX_ADDRESS shows are the domain's, hashed as %p
 * hashes them. len and ascii come on the domain's stack, above the
 * return address of its call.
 */
static unsigned long lvd_glue_print_hex_dump(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long sp = lvd_domain_kcall_sp(d), stack[2];
	char lv[3], prefix[LVD_PRINTK_STRING_MAX];
	int rowsize = args[3] == 32 ? 32 : 16;
	size_t len, i;
	u8 *buf;

	if (!sp || lvd_domain_copy_from(d, stack, sp + sizeof(long),
					sizeof(stack))) {
		pr_warn_ratelimited("%s: print_hex_dump() with a stack that is not its own\n",
				    lvd_domain_name(d));
		return 0;
	}
	len = min_t(unsigned long, stack[0], LVD_PRINTK_HEX_MAX);
	if (lvd_domain_copy_string(d, lv, args[0], sizeof(lv)) < 0)
		lv[0] = 0;
	if (lvd_domain_copy_string(d, prefix, args[1], sizeof(prefix)) < 0)
		strscpy(prefix, "(efault) ", sizeof(prefix));
	buf = kmalloc(LVD_PRINTK_HEX_MAX, GFP_ATOMIC);
	if (!buf)
		return 0;
	if (lvd_domain_copy_from(d, buf, args[5], len)) {
		pr_warn_ratelimited("%s: print_hex_dump() of %#lx, which is not its memory\n",
				    lvd_domain_name(d), args[5]);
		len = 0;
	}
	for (i = 0; i < len; i += rowsize)
		lvd_printk_hex_line(d, printk_get_level(lv), prefix, args[2],
				    args[5], i, buf + i,
				    min_t(size_t, len - i, rowsize), rowsize,
				    args[4], stack[1] & 0xff);
	kfree(buf);
	return 0;
}

/**
 * lvd_glue_dev_printk() - a domain's message about a device (dev_err() and
 *	the like), formatted as printk() glue formats
 * @d: the domain
 * @level: its KERN_* level, as a character ('3' for KERN_ERR, say)
 * @who: the device, as the kernel names it in messages ("e1000
 *	0000:00:02.0"), which starts the message as dev_printk() starts it;
 *	NULL for one the glue does not know: the domain's name then
 * @fmt_va: the format, in the domain
 * @args: the arguments after it
 * @nargs: how many
 *
 * Return: the length of the message, or -EFAULT for a format that is not
 * the domain's.
 */
long lvd_glue_dev_printk(struct lvd_domain *d, int level, const char *who,
			 unsigned long fmt_va, const unsigned long *args,
			 unsigned int nargs)
{
	char fmt[LVD_PRINTK_MAX], out[LVD_PRINTK_MAX], name[80];

	if (lvd_domain_copy_string(d, fmt, fmt_va, sizeof(fmt)) < 0)
		return -EFAULT;
	lvd_printk_format(d, out, sizeof(out), fmt, args, nargs);
	if (who)
		strscpy(name, who, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s: (a device it does not drive)",
			 lvd_domain_name(d));
	lvd_printk_emit(level, name, ": ", out);
	return strlen(out);
}
EXPORT_SYMBOL_GPL(lvd_glue_dev_printk);

/*
 * The domain's @fmt formatted as printk() glue does, with @nargs of
 * @args, into @size bytes at @dst in the domain.
 */
static long lvd_glue_format_to(struct lvd_domain *d, unsigned long dst,
			       size_t size, unsigned long fmt_va,
			       const unsigned long *args, unsigned int nargs)
{
	char fmt[LVD_PRINTK_MAX], out[LVD_PRINTK_MAX];
	size_t len;

	if (!size)
		return 0;
	if (lvd_domain_copy_string(d, fmt, fmt_va, sizeof(fmt)) < 0)
		return -EFAULT;
	lvd_printk_format(d, out, min(size, sizeof(out)), fmt, args, nargs);
	len = strlen(out);
	if (lvd_domain_copy_to(d, dst, out, len + 1))
		return -EFAULT;
	return len;
}

/* snprintf(buf, size, fmt, ...): at most three arguments, in registers */
static unsigned long lvd_glue_snprintf(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_format_to(d, args[0], args[1], args[2], args + 3,
				  LVD_DOMAIN_ARGS - 3);
}

/*
 * sprintf(buf, fmt, ...): at most four arguments; the output is bounded
 * by the glue's LVD_PRINTK_MAX, as no size is given.
 */
static unsigned long lvd_glue_sprintf(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_format_to(d, args[0], LVD_PRINTK_MAX, args[1],
				  args + 2, LVD_DOMAIN_ARGS - 2);
}

static const struct lvd_glue lvd_glue_printk_syms[] = {
	{ "_printk", lvd_glue_printk },
	/* A WARN's message: the trap that follows it stops the domain */
	{ "__warn_printk", lvd_glue_printk },
	{ "print_hex_dump", lvd_glue_print_hex_dump },
	{ "snprintf", lvd_glue_snprintf },
	{ "sprintf", lvd_glue_sprintf },
};

static struct lvd_glue_set lvd_glue_printk_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_printk_syms,
	.n = ARRAY_SIZE(lvd_glue_printk_syms),
};

static int __init lvd_glue_printk_init(void)
{
	return lvd_glue_register(&lvd_glue_printk_set);
}
late_initcall(lvd_glue_printk_init);
