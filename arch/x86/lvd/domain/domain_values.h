/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page of copies of kernel variables that every domain maps
 * read-only (domain_values.c).
 */
#ifndef _ARCH_X86_LVD_DOMAIN_VALUES_H
#define _ARCH_X86_LVD_DOMAIN_VALUES_H

int lvd_domain_values_init(void);
void lvd_domain_values_refresh(void);
unsigned long lvd_domain_values_page(void);
unsigned long lvd_domain_value(const char *name);

#endif /* _ARCH_X86_LVD_DOMAIN_VALUES_H */
