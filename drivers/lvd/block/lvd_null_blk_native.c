// SPDX-License-Identifier: GPL-2.0
/*
 * null_blk, built from its unchanged source to run in the kernel, not
 * isolated: make bench loads it and the isolated null_blk in turn, and
 * compares their cost per request in one boot. It registers the same
 * block major name, configfs subsystem and disk names: load one at a time.
 */

#include "../../block/null_blk/main.c"
