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

/* A struct shared field by field (projections.lvd) */
#define IDL_DEV_FLAGS		0x0f
#define IDL_DEV_SETUP_FLAGS	0x30
#define IDL_DEV_MAX_MTU		9000
struct idl_dev {
	char name[16];
	unsigned int flags;
	unsigned int setup_flags;
	unsigned int mtu;
	int timeout;
	u8 addr[6];
	unsigned long state;
	unsigned int ready:1;
	void *priv;		/* the driver's own, never projected */
};

/* Hand-written handlers (objects.lvd) */
struct lvd_domain;
unsigned long idl_test_raw(struct lvd_domain *d, const unsigned long *args);
unsigned long idl_test_raw_sleeps(struct lvd_domain *d,
				  const unsigned long *args);
unsigned long idl_test_raw_deferred(struct lvd_domain *d,
				    const unsigned long *args);

/* A kernel variable objects.lvd names */
extern int idl_test_lock;

/* What extern.lvd's glue calls, defined elsewhere */
struct idl_dev *idl_ext_dev_lookup(struct lvd_domain *d, unsigned long addr);
void idl_ext_dev_put(struct lvd_domain *d, struct idl_dev *obj);
int idl_ext_set_mtu_impl(struct lvd_domain *d, struct idl_dev *which,
			 unsigned int mtu);
void idl_ext_release(struct lvd_domain *d);

#endif /* IDL_TEST_H */
