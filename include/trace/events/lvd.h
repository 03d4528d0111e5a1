/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's hypervisor: one event per VM exit, off by default.
 *
 * The event fires in VMX root mode, where the exit handler runs on the
 * hypervisor's own stack with interrupts off, as in an NMI: see
 * lvd_trace_exit() in arch/x86/lvd/root/exit.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lvd

#if !defined(_TRACE_LVD_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_LVD_H

#include <linux/tracepoint.h>
#include <uapi/asm/vmx.h>

TRACE_EVENT(lvd_exit,
	    TP_PROTO(u32 reason, unsigned long rip, unsigned long qual,
		     unsigned int cpl),
	    TP_ARGS(reason, rip, qual, cpl),
	    TP_STRUCT__entry(__field(u32, reason)
			     __field(unsigned long, rip)
			     __field(unsigned long, qual)
			     __field(unsigned int, cpl)),
	    TP_fast_assign(__entry->reason = reason;
			   __entry->rip = rip;
			   __entry->qual = qual;
			   __entry->cpl = cpl;),
	    TP_printk("reason %s rip 0x%lx qual 0x%lx cpl %u",
		      __print_symbolic(__entry->reason, VMX_EXIT_REASONS),
		      __entry->rip, __entry->qual, __entry->cpl)
);

#endif /* _TRACE_LVD_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
