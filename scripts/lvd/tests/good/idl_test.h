/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The types the good test descriptions name, for compiling what lvd-idlc
 * generates from them (run.sh, with a kernel build).
 */
#ifndef IDL_TEST_H
#define IDL_TEST_H

#include <linux/types.h>

struct idl_req {
	u32 op;
	u64 arg;
};

struct idl_resp {
	s32 status;
	u8 data[16];
};

struct idl_state {
	u64 pos;
	u32 flags;
};

struct idl_test_ops {
	int (*open)(unsigned int flags);
	void (*release)(void);
	bool (*poll)(u64 cookie, int budget, gfp_t gfp);
};

#endif /* IDL_TEST_H */
