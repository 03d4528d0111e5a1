// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's network benchmark (make bench), not a test: dummy's transmit path,
 * native (lvd_dummy_native, the same source in the kernel) and isolated
 * (dummy, in its domain), loaded in turn in one boot. 64-byte frames go
 * to dummy0 on a packet socket; for each driver it prints the TSC ticks
 * per frame (the whole send, from user space: only the difference is
 * isolation's), and for the isolated one the ratio, the VMFUNCs per frame
 * (two per crossing, one crossing each way for a call) and the VM exits
 * per 1,000 frames; for each, the bytes the kernel copied into domains
 * and out of them per frame. One "lvd-bench NAME VALUE UNIT" line per
 * figure.
 *
 * Usage: lvd_net_bench [UNIT], as lvd_bench.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "lvd_bench.h"

#define FRAMES		2000
#define FRAME_LEN	64

/* dummy0 up, and a packet socket bound to send to it: the socket, or -1 */
static int open_dummy0(struct sockaddr_ll *to)
{
	struct ifreq ifr = {};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, IFNAMSIZ, "dummy0");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) || ioctl(fd, SIOCGIFINDEX, &ifr))
		goto fail;
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_protocol = htons(ETH_P_IP);
	to->sll_ifindex = ifr.ifr_ifindex;
	to->sll_halen = ETH_ALEN;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Load @module, send FRAMES frames, unload it: 0 or -1 */
static int measure(const char *module, struct figures *f)
{
	unsigned char frame[FRAME_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct sockaddr_ll to;
	char cmd[64];
	int fd, i, ret = -1;

	snprintf(cmd, sizeof(cmd), "modprobe %s", module);
	if (system(cmd))
		return -1;
	fd = open_dummy0(&to);
	if (fd < 0)
		goto out;
	for (i = 0; i < 100; i++)	/* warm the caches and TLB */
		sendto(fd, frame, sizeof(frame), 0, (void *)&to, sizeof(to));
	figures_start(f);
	for (i = 0; i < FRAMES; i++)
		if (sendto(fd, frame, sizeof(frame), 0, (void *)&to,
			   sizeof(to)) != sizeof(frame))
			break;
	figures_stop(f);
	close(fd);
	ret = i == FRAMES ? 0 : -1;
out:
	snprintf(cmd, sizeof(cmd), "rmmod %s", module);
	system(cmd);
	return ret;
}

int main(int argc, char **argv)
{
	const char *unit = argc > 1 ? argv[1] : "cycles";
	struct figures native, isolated;

	if (loaded("dummy"))
		system("rmmod dummy");
	if (measure("lvd_dummy_native", &native) ||
	    measure("dummy", &isolated)) {
		fprintf(stderr, "lvd-bench: dummy could not send %d frames\n",
			FRAMES);
		return 1;
	}
	printf("lvd-bench dummy_tx_64B_native %llu %s\n",
	       native.ticks / FRAMES, unit);
	printf("lvd-bench dummy_tx_64B_isolated %llu %s\n",
	       isolated.ticks / FRAMES, unit);
	printf("lvd-bench dummy_tx_64B_isolated_vs_native %llu %%\n",
	       native.ticks * 100 / isolated.ticks);
	print_per_op("dummy_tx_64B", "vmfuncs_per_frame", isolated.vmfuncs,
		     FRAMES, "vmfuncs");
	printf("lvd-bench dummy_tx_64B_vm_exits_per_1000_frames %lld exits\n",
	       isolated.exits * 1000 / FRAMES);
	print_copied("dummy_tx_64B", "native", "frame", &native, FRAMES);
	print_copied("dummy_tx_64B", "isolated", "frame", &isolated, FRAMES);
	return 0;
}
