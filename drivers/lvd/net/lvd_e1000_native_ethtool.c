// SPDX-License-Identifier: GPL-2.0
/* e1000_ethtool.c of lvd_e1000_native (lvd_e1000_native_main.c) */

#include "../../net/ethernet/intel/e1000/e1000_ethtool.c"
