// SPDX-License-Identifier: GPL-2.0
/*
 * A real network card: the e1000 (82540EM, 8086:100e) that every test
 * machine has, driven by the e1000 driver loaded with modprobe: isolated
 * in an LVD domain when built so (E1000_LVD_ISOLATED, as the selftests'
 * config has it), else in the kernel. The card is found on the PCI bus
 * and the driver binds to it; its interface comes up with a link; DHCP
 * gives it an address; the emulator's host (Bochs's vnet: 192.168.10.1,
 * QEMU's user network: 10.0.2.2, whichever DHCP names) answers every echo
 * of a ping; a file fetched from it by TFTP matches the checksum in the
 * initramfs; ethtool reports the driver, link, rings and statistics; and
 * traffic works again after each of several link downs and ups and driver
 * reloads. Isolated, a fault in the driver is contained.
 *
 * Needs no hypervisor. Skips where the machine has no such card, and,
 * isolated, under nested KVM (an open problem, pci-glue.rst); a card that
 * is there and does not work fails.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_nic.h"
#include "lvd_files.h"

#define SYS_PCI		"/sys/bus/pci/devices/"
#define SYS_NET		"/sys/class/net/"
#define NIC_DRIVER	"e1000"
/* The card's PCI IDs, as sysfs shows them */
#define NIC_VENDOR	0x8086
#define NIC_DEVICE	0x100e

/* Scratch files of the test, in its own directory */
#define NIC_DIR		"/tmp/lvd-nic"
#define NIC_SCRIPT	NIC_DIR "/dhcp.sh"
#define NIC_LEASE	NIC_DIR "/lease"
/* The file the harness serves by TFTP, and its sha256 (harness/common.sh) */
#define NIC_FILE	"lvd-nic.bin"
#define NIC_FILE_SUM	"/lvd/nic/" NIC_FILE ".sha256"

/* Echoes of the long ping: a few seconds in Bochs */
#define NIC_ECHOES	(nic_nested() ? 100 : 2000)
/* Link downs and ups, and driver reloads */
#define NIC_CYCLES	(nic_nested() ? 2 : 5)
/* Seconds the link may take to come up */
#define NIC_LINK_WAIT	10

/* addr_assign_type of an address from the device (include/uapi/linux/netdevice.h) */
#ifndef NET_ADDR_PERM
#define NET_ADDR_PERM	0
#endif

/*
 * Under a hypervisor (CPUID.1:ECX[31]: nested KVM inside Bochs) every
 * access to the card exits twice and a probe takes tens of seconds:
 * fewer echoes and cycles there.
 */
static int nic_nested(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	(void)a; (void)b; (void)d;
	return c >> 31;
}

/* udhcpc's script: the lease's address, mask and server into NIC_LEASE */
static const char dhcp_script[] = LVD_NIC_DHCP_SCRIPT(NIC_LEASE);

FIXTURE(nic) {
	char pci[32];		/* the card's PCI address */
	char dev[IFNAMSIZ];	/* its interface */
};

/* Seconds since @start */
static double since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * The e1000 card with the lowest PCI address other than @other (none when
 * NULL): its address in @pci, or 0 if none
 */
static int find_card_but(const char *other, char pci[32])
{
	DIR *dir = opendir(SYS_PCI);
	struct dirent *d;
	int found = 0;
	size_t len;

	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		len = strlen(d->d_name);
		if (d->d_name[0] == '.' || len >= 32 ||
		    (other && !strcmp(d->d_name, other)) ||
		    (found && strcmp(d->d_name, pci) > 0))
			continue;
		if (sys_value(SYS_PCI, d->d_name, "vendor") == NIC_VENDOR &&
		    sys_value(SYS_PCI, d->d_name, "device") == NIC_DEVICE) {
			memcpy(pci, d->d_name, len + 1);
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

/* The first e1000 card on the PCI bus: its address in @pci, or 0 if none */
static int find_card(char pci[32])
{
	return find_card_but(NULL, pci);
}

/* The driver bound to the card @pci (its name in @name), or 0 if none */
static int card_driver(const char *pci, char *name, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX], *base;
	ssize_t len;
	size_t n;

	snprintf(path, sizeof(path), SYS_PCI "%s/driver", pci);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return 0;
	link[len] = '\0';
	base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	n = strlen(base);
	if (n >= size)
		return 0;
	memcpy(name, base, n + 1);
	return 1;
}

/* The interface of the card @pci in @dev, or 0 if it has none */
static int card_interface(const char *pci, char *dev)
{
	char path[PATH_MAX];
	struct dirent *d;
	int found = 0;
	size_t len;
	DIR *dir;

	snprintf(path, sizeof(path), SYS_PCI "%s/net", pci);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		len = strlen(d->d_name);
		if (d->d_name[0] == '.' || len >= IFNAMSIZ)
			continue;
		memcpy(dev, d->d_name, len + 1);
		found = 1;
	}
	closedir(dir);
	return found;
}

/* Run a shell command, its output discarded: 0 if it succeeded */
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 16, fmt, ap);
	va_end(ap);
	strcat(cmd, " >/dev/null 2>&1");
	ret = system(cmd);
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
}

/* Whether the kernel has seen @dev's link up (operstate "up") */
static int operstate_up(const char *dev)
{
	char path[PATH_MAX], state[32];

	snprintf(path, sizeof(path), SYS_NET "%s/operstate", dev);
	return read_text(path, state, sizeof(state)) > 0 && !strcmp(state, "up\n");
}

/*
 * Bring @dev up and wait for its link: 0, or -1 if it never came. The
 * carrier alone is not enough: the stack sends nothing on @dev before
 * linkwatch, up to a second later, has seen it and set the operstate.
 */
static int link_up(const char *dev)
{
	int i;

	if (run("ip link set dev %s up", dev))
		return -1;
	for (i = 0; i < NIC_LINK_WAIT * 20; i++) {
		if (operstate_up(dev))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/* The IPv4 address of @dev, or 0 if it has none */
static in_addr_t dev_address(const char *dev)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	ret = ioctl(fd, SIOCGIFADDR, &ifr);
	close(fd);
	if (ret)
		return 0;
	return ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
}

/* The last lease DHCP gave: address, netmask and server. 0, or -1 if none */
static int lease(char *ip, char *mask, char *server)
{
	char buf[128];

	if (read_text(NIC_LEASE, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%15s %15s %15s", ip, mask, server) != 3)
		return -1;
	return 0;
}

/* Ask DHCP for an address for @dev: 0 when it has one, else -1 */
static int dhcp(const char *dev)
{
	FILE *script = fopen(NIC_SCRIPT, "w");

	if (!script)
		return -1;
	fputs(dhcp_script, script);
	if (fclose(script) || chmod(NIC_SCRIPT, 0755))
		return -1;
	unlink(NIC_LEASE);
	/* up to 5 discovers a second apart; exit with the lease or without */
	if (run("udhcpc -i %s -s " NIC_SCRIPT " -f -q -n -t 5 -T 1", dev))
		return -1;
	return dev_address(dev) ? 0 : -1;
}

/*
 * Give @dev an address and name the emulator's host in @host: the
 * address of the last lease again when there was one, else DHCP's.
 */
static int address(const char *dev, char *host)
{
	char ip[16], mask[16];

	if (lease(ip, mask, host)) {
		if (dhcp(dev))
			return -1;
		return lease(ip, mask, host);
	}
	if (dev_address(dev) == inet_addr(ip))
		return 0;
	return run("ifconfig %s %s netmask %s", dev, ip, mask) ? -1 : 0;
}

/*
 * Ping @host @count times, each as soon as the last was answered, each
 * reply given up after 2 s: the replies. (busybox's ping -A never gives
 * up waiting for a lost reply: it would need alarm(), which the test
 * kernel does not have, without POSIX timers.)
 */
static int echoes(const char *host, int count)
{
	return icmp_echoes(host, NULL, count, 2000);
}

/* Ping @host @count times, each given a second: the replies */
static int echoes_lost(const char *host, int count)
{
	return icmp_echoes(host, NULL, count, 1000);
}

/* The first word of what @cmd prints in @buf: 0, or -1 if nothing */
static int first_word(const char *cmd, char *buf, size_t size)
{
	FILE *out = popen(cmd, "r");
	int ret = -1;

	if (!out)
		return -1;
	if (fgets(buf, size, out)) {
		buf[strcspn(buf, " \t\n")] = '\0';
		ret = buf[0] ? 0 : -1;
	}
	pclose(out);
	return ret;
}

/* Whether the driver is built to run in a domain ("lvd=isolated" in its modinfo) */
static int built_isolated(void)
{
	return !run("grep -qs lvd=isolated $(find /lib/modules -name " NIC_DRIVER ".ko)");
}

FIXTURE_SETUP(nic)
{
	if (!find_card(self->pci))
		SKIP(return, "no e1000 card (%04x:%04x) in this machine",
		     NIC_VENDOR, NIC_DEVICE);
	if (built_isolated() && !hv_expected()) {
		/* It cannot run, and says why */
		ASSERT_NE(0, run("modprobe " NIC_DRIVER));
		ASSERT_TRUE(logged("lvd: " NIC_DRIVER ": cannot be isolated"));
		SKIP(return, "no VMX, or lvd=off: the isolated driver cannot load");
	}
	if (built_isolated() && nic_nested())
		SKIP(return, "nested KVM: an isolated driver's BAR access never completes (open)");
	mkdir(NIC_DIR, 0755);
	if (!loaded(NIC_DRIVER))
		ASSERT_EQ(0, run("modprobe " NIC_DRIVER));
	ASSERT_TRUE(card_interface(self->pci, self->dev));
	ASSERT_EQ(0, link_up(self->dev));
}

FIXTURE_TEARDOWN(nic)
{
	if (loaded(NIC_DRIVER))
		run("rmmod " NIC_DRIVER);
}

/* The driver binds to the card; its interface comes up with a link */
TEST_F(nic, driver_binds_and_link_comes_up)
{
	char driver[32];

	ASSERT_TRUE(card_driver(self->pci, driver, sizeof(driver)));
	ASSERT_STREQ(NIC_DRIVER, driver);
	ASSERT_EQ(1, sys_value(SYS_NET, self->dev, "carrier"));
	ASSERT_TRUE(operstate_up(self->dev));
	/* Ethernet, with the MAC address the card's EEPROM holds */
	ASSERT_EQ(1, sys_value(SYS_NET, self->dev, "type"));
	ASSERT_EQ(NET_ADDR_PERM, sys_value(SYS_NET, self->dev, "addr_assign_type"));
}

/*
 * Built isolated (E1000_LVD_ISOLATED: "lvd=isolated" in its modinfo), the
 * driver runs in an LVD domain of its own, with the card's registers
 * mapped into it and its interface registered through the netdev glue
 */
TEST_F(nic, driver_runs_isolated_when_built_so)
{
	if (!built_isolated())
		SKIP(return, NIC_DRIVER " is built to run in the kernel");
	ASSERT_TRUE(logged("lvd: " NIC_DRIVER ": isolated in domain"));
	ASSERT_FALSE(logged("its ops tables at"));
	ASSERT_FALSE(logged("is not a packet it holds"));
	ASSERT_FALSE(logged("is not a NAPI context"));
}

/* DHCP gives an address on the emulator's network, and a server */
TEST_F(nic, dhcp_gives_an_address)
{
	char ip[16], mask[16], host[16];
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_EQ(0, dhcp(self->dev));
	ASSERT_EQ(0, lease(ip, mask, host));
	ASSERT_EQ(inet_addr(ip), dev_address(self->dev));
	/* The server is on the network it gave out */
	ASSERT_EQ(inet_addr(ip) & inet_addr(mask), inet_addr(host) & inet_addr(mask));
	TH_LOG("%s: %s/%s from %s (%s) in %.1f s", self->dev, ip, mask, host,
	       !strcmp(host, "192.168.10.1") ? "Bochs vnet" :
	       !strcmp(host, "10.0.2.2") ? "QEMU user network" : "unknown",
	       since(&start));
}

/* The emulator's host answers every echo */
TEST_F(nic, host_answers_every_ping)
{
	char host[16];
	struct timespec start;

	ASSERT_EQ(0, address(self->dev, host));
	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_EQ(NIC_ECHOES, echoes(host, NIC_ECHOES));
	TH_LOG("%d echoes from %s in %.1f s", NIC_ECHOES, host, since(&start));
	ASSERT_LE(NIC_ECHOES, sys_value(SYS_NET, self->dev, "statistics/rx_packets"));
	ASSERT_LE(NIC_ECHOES, sys_value(SYS_NET, self->dev, "statistics/tx_packets"));
}

/* A file fetched by TFTP from the host has the checksum the harness gave */
TEST_F(nic, tftp_fetches_a_file_intact)
{
	char host[16], want[128], got[80];
	struct timespec start, sum;
	double transfer;

	/* "SHA256  FILE" */
	ASSERT_LT(0, read_text(NIC_FILE_SUM, want, sizeof(want)));
	want[strcspn(want, "\n ")] = '\0';
	ASSERT_EQ(64, (int)strlen(want));
	ASSERT_EQ(0, address(self->dev, host));
	unlink(NIC_DIR "/" NIC_FILE);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_EQ(0, run("tftp -g -b 1468 -r " NIC_FILE " -l " NIC_DIR "/" NIC_FILE " %s",
			 host));
	transfer = since(&start);
	clock_gettime(CLOCK_MONOTONIC, &sum);
	ASSERT_EQ(0, first_word("sha256sum " NIC_DIR "/" NIC_FILE, got, sizeof(got)));
	TH_LOG("%s from %s by TFTP in %.1f s, its sha256 in %.1f s", NIC_FILE,
	       host, transfer, since(&sum));
	unlink(NIC_DIR "/" NIC_FILE);
	ASSERT_STREQ(want, got);
}

/* Down and up again: the link comes back and traffic flows each time */
TEST_F(nic, link_goes_down_and_up)
{
	char host[16];
	int i;

	ASSERT_EQ(0, address(self->dev, host));
	for (i = 0; i < NIC_CYCLES; i++) {
		ASSERT_EQ(0, run("ip link set dev %s down", self->dev));
		ASSERT_NE(1, sys_value(SYS_NET, self->dev, "carrier"));
		ASSERT_EQ(0, link_up(self->dev));
		ASSERT_EQ(0, address(self->dev, host));
		ASSERT_EQ(3, echoes(host, 3));
	}
}

/* rmmod and modprobe: the card is released and driven again each time */
TEST_F(nic, driver_unloads_and_loads_again)
{
	char host[16], driver[32];
	int i;

	for (i = 0; i < NIC_CYCLES; i++) {
		ASSERT_EQ(0, run("rmmod " NIC_DRIVER));
		ASSERT_FALSE(card_driver(self->pci, driver, sizeof(driver)));
		ASSERT_FALSE(card_interface(self->pci, self->dev));
		ASSERT_EQ(0, run("modprobe " NIC_DRIVER));
		ASSERT_TRUE(card_interface(self->pci, self->dev));
		ASSERT_EQ(0, link_up(self->dev));
		ASSERT_EQ(0, address(self->dev, host));
		ASSERT_EQ(3, echoes(host, 3));
	}
}

/* An ethtool request @cmd (in @data, @size bytes) for @dev: 0 or -1 */
static int ethtool(const char *dev, void *data)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	ifr.ifr_data = data;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret ? -1 : 0;
}

/* The statistic @name of @dev's ethtool statistics, or -1 */
static long long ethtool_stat(const char *dev, const char *name)
{
	struct ethtool_sset_info *info;
	struct ethtool_gstrings *names;
	struct ethtool_stats *stats;
	long long value = -1;
	unsigned int n, i;

	info = calloc(1, sizeof(*info) + sizeof(__u32));
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	if (ethtool(dev, info) || !info->sset_mask) {
		free(info);
		return -1;
	}
	n = info->data[0];
	free(info);
	names = calloc(1, sizeof(*names) + n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + n * sizeof(__u64));
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	if (!ethtool(dev, names) && !ethtool(dev, stats))
		for (i = 0; i < n; i++)
			if (!strncmp((char *)names->data + i * ETH_GSTRING_LEN,
				     name, ETH_GSTRING_LEN))
				value = stats->data[i];
	free(names);
	free(stats);
	return value;
}

/*
 * ethtool: the driver's name, the link, the ring sizes (set and read
 * back), and its statistics by name, which count the traffic
 */
TEST_F(nic, ethtool_reports_driver_link_rings_and_statistics)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_value link = { .cmd = ETHTOOL_GLINK };
	struct ethtool_ringparam ring = { .cmd = ETHTOOL_GRINGPARAM };
	long long before, after;
	char host[16];

	ASSERT_EQ(0, ethtool(self->dev, &info));
	ASSERT_STREQ(NIC_DRIVER, info.driver);
	ASSERT_STREQ(self->pci, info.bus_info);
	ASSERT_EQ(0, ethtool(self->dev, &link));
	ASSERT_EQ(1, link.data);
	ASSERT_EQ(0, ethtool(self->dev, &ring));
	ASSERT_EQ(4096, ring.rx_max_pending);
	ASSERT_EQ(256, ring.rx_pending);
	ring.cmd = ETHTOOL_SRINGPARAM;
	ring.rx_pending = 128;
	ring.tx_pending = 128;
	ASSERT_EQ(0, ethtool(self->dev, &ring));
	memset(&ring, 0, sizeof(ring));
	ring.cmd = ETHTOOL_GRINGPARAM;
	ASSERT_EQ(0, ethtool(self->dev, &ring));
	ASSERT_EQ(128, ring.rx_pending);
	ASSERT_EQ(128, ring.tx_pending);
	ASSERT_EQ(0, link_up(self->dev));
	before = ethtool_stat(self->dev, "rx_packets");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, address(self->dev, host));
	ASSERT_EQ(10, echoes(host, 10));
	after = ethtool_stat(self->dev, "rx_packets");
	ASSERT_LE(before + 10, after);
}

/* Whether the card @pci may master the bus (PCI_COMMAND_MASTER) */
static int bus_master(const char *pci)
{
	char path[PATH_MAX];
	unsigned char cfg[8];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), SYS_PCI "%s/config", pci);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	ok = fread(cfg, 1, sizeof(cfg), f) == sizeof(cfg);
	fclose(f);
	return ok ? !!(cfg[4] & 0x4) : -1;
}

/*
 * Start pinging @host @count times through @dev only, in a child: its
 * pid, its replies to come on *@fd (a pipe), or -1
 */
static pid_t ping_through(const char *dev, const char *host, int count,
			  int *fd)
{
	int p[2], replies;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		replies = icmp_echoes(host, dev, count, 2000);
		_exit(write(p[1], &replies, sizeof(replies)) != sizeof(replies));
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

/* The replies a ping_through() child reports when it ends; -1 if none */
static int ping_replies(pid_t pid, int fd)
{
	int replies = -1;

	if (pid < 0)
		return -1;
	if (read(fd, &replies, sizeof(replies)) != sizeof(replies))
		replies = -1;
	close(fd);
	waitpid(pid, NULL, 0);
	return replies;
}

/* Let the card @pci go from its driver, and clear its driver_override */
static void card_release(const char *pci)
{
	char path[PATH_MAX], driver[32];

	if (card_driver(pci, driver, sizeof(driver))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", driver);
		write_text(path, pci);
	}
	snprintf(path, sizeof(path), SYS_PCI "%s/driver_override", pci);
	write_text(path, "\n");
}

/*
 * Two cards where the machine has them: the isolated driver lets the
 * second go, lvd_e1000_native (the same sources, run in the kernel)
 * drives it, and each card's network's host answers 300 pings through
 * that card's interface while the other does; the native driver is not
 * isolated.
 */
TEST_F(nic, native_and_isolated_cards_at_once)
{
	char pci2[32], dev2[IFNAMSIZ], driver[32], host[16], path[PATH_MAX];
	char ip2[16], mask2[16], host2[16];
	int isolated_fd, native_fd;
	pid_t isolated, native;

	if (!built_isolated())
		SKIP(return, NIC_DRIVER " is built to run in the kernel");
	if (!find_card_but(self->pci, pci2))
		SKIP(return, "one e1000 card: none to drive natively beside it");
	card_release(pci2);
	snprintf(path, sizeof(path), SYS_PCI "%s/driver_override", pci2);
	ASSERT_EQ(0, write_text(path, "e1000_native"));
	ASSERT_EQ(0, run("modprobe lvd_e1000_native"));
	ASSERT_EQ(0, write_text("/sys/bus/pci/drivers_probe", pci2));
	ASSERT_TRUE(card_driver(pci2, driver, sizeof(driver)));
	ASSERT_STREQ("e1000_native", driver);
	ASSERT_FALSE(logged("lvd: lvd_e1000_native: isolated"));
	ASSERT_TRUE(card_interface(pci2, dev2));
	ASSERT_EQ(0, link_up(dev2));
	ASSERT_EQ(0, address(self->dev, host));
	/* The second card's network has a host of its own */
	ASSERT_EQ(0, dhcp(dev2));
	ASSERT_EQ(0, lease(ip2, mask2, host2));
	/* The next test's address() asks DHCP for the first card again */
	unlink(NIC_LEASE);
	isolated = ping_through(self->dev, host, 300, &isolated_fd);
	native = ping_through(dev2, host2, 300, &native_fd);
	EXPECT_EQ(300, ping_replies(isolated, isolated_fd));
	EXPECT_EQ(300, ping_replies(native, native_fd));
	card_release(pci2);
	ASSERT_EQ(0, run("rmmod lvd_e1000_native"));
}

/* The checksum of the kernel's text and read-only data in @sum: 0, or -1 */
static int kernel_image_sum(char *sum, size_t size)
{
	return read_text("/sys/kernel/debug/lvd_test/image_sum", sum, size) > 0 ?
	       0 : -1;
}

/*
 * Isolated, a fault in the driver in the middle of traffic (its domain
 * stopped from the kernel, as an invalid opcode would, while a ping flood
 * keeps its interrupt handler, NAPI poll and transmit busy): the kernel
 * lives with its text and read-only data unchanged, the interface goes
 * down and what is sent to it is dropped, rmmod takes the card back with
 * bus mastering off although the driver's remove cannot run, and a fresh
 * load drives it again.
 */
TEST_F(nic, isolated_fault_is_contained)
{
	char host[16], driver[32], before[32], after[32], cmd[128];

	if (!built_isolated())
		SKIP(return, NIC_DRIVER " is built to run in the kernel");
	ASSERT_EQ(0, run("modprobe lvd_test_hv"));
	ASSERT_EQ(0, address(self->dev, host));
	ASSERT_EQ(1, bus_master(self->pci));
	ASSERT_EQ(20, echoes(host, 20));
	snprintf(cmd, sizeof(cmd),
		 "ping -q -A -c 100000 %s >/dev/null 2>&1 & echo $! >/tmp/flood",
		 host);
	ASSERT_EQ(0, system(cmd));
	sleep(2);
	ASSERT_EQ(0, kernel_image_sum(before, sizeof(before)));
	ASSERT_EQ(0, write_text("/sys/kernel/debug/lvd_test/stop_module",
				NIC_DRIVER));
	ASSERT_TRUE(logged("(" NIC_DRIVER ") stopped: vector 6"));
	/* Sent to a stopped driver, dropped: the sender never waits */
	ASSERT_EQ(0, echoes_lost(host, 3));
	ASSERT_TRUE(logged("is down: its driver is stopped"));
	ASSERT_NE(1, sys_value(SYS_NET, self->dev, "carrier"));
	ASSERT_EQ(0, kernel_image_sum(after, sizeof(after)));
	ASSERT_STREQ(before, after);
	/* The flood waits for a reply that never comes */
	ASSERT_EQ(0, run("kill $(cat /tmp/flood)"));
	ASSERT_EQ(0, run("rmmod " NIC_DRIVER));
	ASSERT_FALSE(card_driver(self->pci, driver, sizeof(driver)));
	ASSERT_EQ(0, bus_master(self->pci));
	ASSERT_EQ(0, run("modprobe " NIC_DRIVER));
	ASSERT_TRUE(card_interface(self->pci, self->dev));
	ASSERT_EQ(0, link_up(self->dev));
	ASSERT_EQ(0, address(self->dev, host));
	ASSERT_EQ(3, echoes(host, 3));
	ASSERT_FALSE(logged("nobody cared"));
}

TEST_HARNESS_MAIN
