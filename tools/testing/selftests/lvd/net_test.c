// SPDX-License-Identifier: GPL-2.0
/*
 * A real network driver isolated: dummy (drivers/net/dummy.c, unchanged),
 * built to run in an LVD domain (CONFIG_DUMMY_LVD_ISOLATED), loaded with
 * modprobe. Its devices register under rtnl_lock() it takes through glue;
 * packets sent on a packet socket reach its ndo_start_xmit in the domain
 * and are counted in its per-CPU statistics there, which the kernel reads
 * through its ndo_get_stats64; its carrier goes down and up; rtnetlink
 * makes and removes devices of its link kind; and it unloads and loads
 * again.
 *
 * Needs the hypervisor: run with LVD_EXPECT=available.
 */

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_files.h"

/* addr_assign_type values (include/uapi/linux/netdevice.h) */
#ifndef NET_ADDR_RANDOM
#define NET_ADDR_RANDOM	1
#define NET_ADDR_SET	3
#endif

#define SYS_NET	"/sys/class/net/"

static int dev_exists(const char *dev)
{
	return sys_exists(SYS_NET, dev);
}

/* A number from /sys/class/net/@dev/@file, or -1 */
static long long dev_value(const char *dev, const char *file)
{
	return sys_value(SYS_NET, dev, file);
}

/* Bring @dev up: 0 or -errno */
static int dev_up(const char *dev)
{
	struct ifreq ifr = {};
	int fd = socket(AF_PACKET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* Send @n frames of @len bytes on @dev on a packet socket: @n, or -errno */
static int send_frames(const char *dev, int n, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0x02, 0, 0, 0, 0, 1 },
	};
	unsigned char frame[1500] = {};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), i, sent = 0;
	struct ifreq ifr = {};

	if (fd < 0)
		return -errno;
	/* if_nametoindex() needs AF_UNIX or AF_INET, which the kernel lacks */
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (ioctl(fd, SIOCGIFINDEX, &ifr)) {
		close(fd);
		return -errno;
	}
	to.sll_ifindex = ifr.ifr_ifindex;
	memset(frame, 0xff, ETH_ALEN);
	frame[12] = 0x08;
	for (i = 0; i < n; i++) {
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)len) {
			sent = -errno;
			break;
		}
		sent++;
	}
	close(fd);
	return sent;
}

/* An attribute at the end of @nh */
static struct rtattr *add_attr(struct nlmsghdr *nh, unsigned short type,
			       const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/*
 * rtnetlink: make a link @name of @kind (with @addr of @addr_len bytes, if
 * given), or remove it when @kind is NULL. 0 or the kernel's -errno.
 */
static int rtnl_link(const char *name, const char *kind, const void *addr,
		     size_t addr_len)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[512];
	} req = {};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char reply[1024];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	struct rtattr *info;
	int fd, ret = -EIO;
	ssize_t len;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = kind ? RTM_NEWLINK : RTM_DELLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			     (kind ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.ifi.ifi_family = AF_UNSPEC;
	add_attr(&req.nh, IFLA_IFNAME, name, strlen(name) + 1);
	if (addr)
		add_attr(&req.nh, IFLA_ADDRESS, addr, addr_len);
	if (kind) {
		info = add_attr(&req.nh, IFLA_LINKINFO, NULL, 0);
		add_attr(&req.nh, IFLA_INFO_KIND, kind, strlen(kind));
		info->rta_len = (char *)&req + req.nh.nlmsg_len - (char *)info;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) == (ssize_t)req.nh.nlmsg_len) {
		len = recv(fd, reply, sizeof(reply), 0);
		if (len >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
		    nh->nlmsg_type == NLMSG_ERROR)
			ret = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	}
	close(fd);
	return ret;
}

FIXTURE(net) {
	char buf[256];
};

FIXTURE_SETUP(net)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	if (loaded("dummy"))
		ASSERT_EQ(0, system("rmmod dummy"));
	ASSERT_EQ(0, system("modprobe dummy"));
}

FIXTURE_TEARDOWN(net)
{
	if (loaded("dummy"))
		system("rmmod dummy");
}

/* Isolated in a domain of its own, with its device registered */
TEST_F(net, dummy_loads_isolated_with_its_device)
{
	ASSERT_TRUE(logged("lvd: dummy: isolated in domain"));
	ASSERT_TRUE(dev_exists("dummy0"));
	/* dummy_setup() ran in the domain: an Ethernet device, no ARP */
	ASSERT_EQ(1, dev_value("dummy0", "type"));
	ASSERT_EQ(IFF_NOARP | IFF_BROADCAST, dev_value("dummy0", "flags") &
		  (IFF_NOARP | IFF_BROADCAST | IFF_MULTICAST));
	/* eth_hw_addr_random() through get_random_bytes() and dev_addr_mod() */
	ASSERT_EQ(NET_ADDR_RANDOM, dev_value("dummy0", "addr_assign_type"));
}

/*
 * Frames sent on it go through its ndo_start_xmit in the domain, which
 * counts them in its per-CPU statistics (this_cpu_ptr() through its own
 * GS base); the kernel reads them through its ndo_get_stats64.
 */
TEST_F(net, transmits_and_counts_in_the_domain)
{
	ASSERT_EQ(0, dev_up("dummy0"));
	ASSERT_EQ(0, dev_value("dummy0", "statistics/tx_packets"));
	ASSERT_EQ(100, send_frames("dummy0", 100, 64));
	ASSERT_EQ(100, dev_value("dummy0", "statistics/tx_packets"));
	ASSERT_EQ(6400, dev_value("dummy0", "statistics/tx_bytes"));
	ASSERT_EQ(10, send_frames("dummy0", 10, 1000));
	ASSERT_EQ(110, dev_value("dummy0", "statistics/tx_packets"));
	ASSERT_EQ(16400, dev_value("dummy0", "statistics/tx_bytes"));
}

/* Its ndo_change_carrier calls netif_carrier_off() and _on() through glue */
TEST_F(net, carrier_goes_down_and_up)
{
	ASSERT_EQ(0, dev_up("dummy0"));
	ASSERT_EQ(1, dev_value("dummy0", "carrier"));
	ASSERT_EQ(0, write_text(SYS_NET "dummy0/carrier", "0"));
	ASSERT_EQ(0, dev_value("dummy0", "carrier"));
	ASSERT_EQ(0, write_text(SYS_NET "dummy0/carrier", "1"));
	ASSERT_EQ(1, dev_value("dummy0", "carrier"));
	ASSERT_EQ(5, send_frames("dummy0", 5, 64));
	ASSERT_EQ(5, dev_value("dummy0", "statistics/tx_packets"));
}

/* numdummies=3, parsed by the kernel: three devices */
TEST_F(net, module_parameter_makes_devices)
{
	ASSERT_EQ(0, system("rmmod dummy"));
	ASSERT_EQ(0, system("modprobe dummy numdummies=3"));
	ASSERT_TRUE(dev_exists("dummy0"));
	ASSERT_TRUE(dev_exists("dummy1"));
	ASSERT_TRUE(dev_exists("dummy2"));
	ASSERT_FALSE(dev_exists("dummy3"));
	ASSERT_EQ(0, dev_up("dummy2"));
	ASSERT_EQ(3, send_frames("dummy2", 3, 64));
	ASSERT_EQ(3, dev_value("dummy2", "statistics/tx_packets"));
	ASSERT_EQ(0, dev_value("dummy0", "statistics/tx_packets"));
}

/*
 * rtnetlink makes devices of its link kind with its setup, after its
 * validate has checked the request (an address of the wrong length is
 * refused by its code, in the domain); and removes them.
 */
TEST_F(net, link_kind_through_rtnetlink)
{
	unsigned char good[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	unsigned char bad[4] = { 1, 2, 3, 4 };
	unsigned char multicast[ETH_ALEN] = { 0x01, 0, 0, 0, 0, 1 };

	ASSERT_EQ(0, rtnl_link("lvdd0", "dummy", NULL, 0));
	ASSERT_TRUE(dev_exists("lvdd0"));
	ASSERT_EQ(-EINVAL, rtnl_link("lvdd1", "dummy", bad, sizeof(bad)));
	ASSERT_EQ(-EADDRNOTAVAIL, rtnl_link("lvdd1", "dummy", multicast,
					    sizeof(multicast)));
	ASSERT_FALSE(dev_exists("lvdd1"));
	ASSERT_EQ(0, rtnl_link("lvdd1", "dummy", good, sizeof(good)));
	ASSERT_EQ(NET_ADDR_SET, dev_value("lvdd1", "addr_assign_type"));
	ASSERT_EQ(0, dev_up("lvdd1"));
	ASSERT_EQ(7, send_frames("lvdd1", 7, 64));
	ASSERT_EQ(7, dev_value("lvdd1", "statistics/tx_packets"));
	ASSERT_EQ(0, rtnl_link("lvdd0", NULL, NULL, 0));
	ASSERT_FALSE(dev_exists("lvdd0"));
	/* lvdd1 goes with the module */
	ASSERT_EQ(0, system("rmmod dummy"));
	ASSERT_FALSE(dev_exists("lvdd1"));
	ASSERT_FALSE(dev_exists("dummy0"));
}

/* rmmod and modprobe ten times: each time a working device, nothing left */
TEST_F(net, unloads_and_loads_again)
{
	int i;

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, system("rmmod dummy"));
		ASSERT_FALSE(dev_exists("dummy0"));
		ASSERT_EQ(0, system("modprobe dummy"));
		ASSERT_EQ(0, dev_up("dummy0"));
		ASSERT_EQ(2, send_frames("dummy0", 2, 64));
		ASSERT_EQ(2, dev_value("dummy0", "statistics/tx_packets"));
	}
	ASSERT_FALSE(logged("outlives it"));
}

/*
 * A fault in the driver in the middle of traffic (its domain stopped from
 * the kernel, as an invalid opcode would): the sender is never stuck, the
 * kernel is alive, calls into the driver fail at once, rmmod removes its
 * device although its exit function cannot run, and a fresh load works.
 */
TEST_F(net, fault_mid_traffic_is_contained)
{
	int status, sent;
	pid_t child;

	ASSERT_EQ(0, system("modprobe lvd_test_hv"));
	ASSERT_EQ(0, dev_up("dummy0"));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(send_frames("dummy0", 3000, 64) == 3000 ? 0 : 1);
	usleep(100 * 1000);
	ASSERT_EQ(0, write_text("/sys/kernel/debug/lvd_test/stop_module", "dummy"));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	/* Frames after the fault are dropped, not stuck: all were sent */
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_TRUE(logged("(dummy) stopped: vector 6"));
	/* Its ndo_change_carrier cannot run */
	ASSERT_NE(0, write_text(SYS_NET "dummy0/carrier", "0"));
	sent = send_frames("dummy0", 10, 64);
	ASSERT_EQ(10, sent);
	ASSERT_EQ(0, system("rmmod dummy"));
	ASSERT_FALSE(dev_exists("dummy0"));
	ASSERT_EQ(0, system("modprobe dummy"));
	ASSERT_EQ(0, dev_up("dummy0"));
	ASSERT_EQ(4, send_frames("dummy0", 4, 64));
	ASSERT_EQ(4, dev_value("dummy0", "statistics/tx_packets"));
}

TEST_HARNESS_MAIN
