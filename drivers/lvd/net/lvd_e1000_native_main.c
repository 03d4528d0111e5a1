// SPDX-License-Identifier: GPL-2.0
/*
 * e1000, built from its unchanged sources to run in the kernel beside the
 * isolated e1000: one boot drives one card natively and another isolated,
 * for the selftests and make bench. Its PCI driver is called e1000_native,
 * so that both register, and matches no card by itself: it drives a card
 * only when that card's driver_override names it.
 */

#include <linux/pci.h>

static int lvd_e1000_native_register(struct pci_driver *drv);

#undef pci_register_driver
#define pci_register_driver(drv) lvd_e1000_native_register(drv)

#include "../../net/ethernet/intel/e1000/e1000_main.c"

static int lvd_e1000_native_register(struct pci_driver *drv)
{
	drv->name = "e1000_native";
	drv->id_table = NULL;
	return __pci_register_driver(drv, THIS_MODULE, KBUILD_MODNAME);
}
