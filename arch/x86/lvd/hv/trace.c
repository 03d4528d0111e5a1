// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's trace events (include/trace/events/lvd.h), instantiated here,
 * outside the root-mode objects.
 */

#define CREATE_TRACE_POINTS
#include <trace/events/lvd.h>
