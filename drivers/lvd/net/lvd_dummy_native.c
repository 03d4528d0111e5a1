// SPDX-License-Identifier: GPL-2.0
/*
 * dummy, built from its unchanged source to run in the kernel, not
 * isolated: make bench loads it and the isolated dummy in turn, and
 * compares their cost per packet in one boot. It registers the same link
 * kind: load one at a time.
 */

#include "../../net/dummy.c"
