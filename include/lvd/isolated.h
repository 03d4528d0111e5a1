/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mark of a module built to run isolated in an LVD domain.
 */

/**
 * DOC: isolated modules
 *
 * This header is included first in every C file of a module built to run
 * isolated in an LVD domain (LVD_ISOLATED_CFLAGS in arch/x86/Makefile): it
 * tags the module "lvd=isolated" in its modinfo, and the loader puts it in
 * a domain of its own. It includes nothing (kbuild has included
 * compiler_types.h), so that a file may still define pr_fmt() before its
 * own includes.
 */
#ifndef _LVD_ISOLATED_H
#define _LVD_ISOLATED_H

static const char __lvd_isolated_modinfo[]
	__used __section(".modinfo") __aligned(1) = "lvd=isolated";

#endif /* _LVD_ISOLATED_H */
