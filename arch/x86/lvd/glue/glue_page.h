/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue page (glue_64.S): code for isolated modules' domains, in the
 * kernel's read-only data. Only its addresses are used by the kernel.
 */
#ifndef _ARCH_X86_LVD_GLUE_PAGE_H
#define _ARCH_X86_LVD_GLUE_PAGE_H

extern const char lvd_glue_page[];
extern const char lvd_glue_memcpy[], lvd_glue_memset[], lvd_glue_memmove[];
extern const char lvd_glue_memcmp[], lvd_glue_strlen[];
extern const char lvd_glue_strcmp[], lvd_glue_strchr[], lvd_glue_strcpy[];
extern const char lvd_glue_preempt_schedule[];
extern const char lvd_glue_find_first_bit[], lvd_glue_find_next_bit[];
extern const char lvd_glue_find_first_zero_bit[], lvd_glue_find_next_zero_bit[];
extern const char lvd_glue_find_last_bit[];
extern const char lvd_glue_defer_start[], lvd_glue_defer_complete[];
extern const char lvd_glue_defer_end[];

#endif /* _ARCH_X86_LVD_GLUE_PAGE_H */
