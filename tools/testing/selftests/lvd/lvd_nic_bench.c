// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's NIC benchmark (make bench), not a test: e1000 native
 * (lvd_e1000_native, the same sources run in the kernel, given the card
 * through driver_override) and isolated (e1000, in its domain), in turn on
 * the machine's first 82540EM, in one boot. For each, the card's interface
 * comes up with an address from DHCP, and ECHOES ICMP echoes go to the
 * emulator's host, each as soon as the last was answered, on a raw socket:
 * it prints the TSC ticks per echo (its inverse is the echoes per second;
 * in Bochs they include the emulated wait for the host's reply), the
 * ratio, the VMFUNCs per echo, the VM exits per 1,000 echoes and the bytes
 * copied into domains and out of them per echo. One "lvd-bench NAME VALUE
 * UNIT" line per figure.
 *
 * Usage: lvd_nic_bench [UNIT], as lvd_bench. Without a card it prints
 * nothing and succeeds.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvd_bench.h"
#include "lvd_nic.h"

#define ECHOES		2000
#define WARM		50
#define SYS_PCI		"/sys/bus/pci/devices/"
#define LEASE		"/tmp/lvd-nic-bench.lease"
#define SCRIPT		"/tmp/lvd-nic-bench.sh"

static const char dhcp_script[] = LVD_NIC_DHCP_SCRIPT(LEASE);

/* @name into @buf of @size: 0, or -1 if it does not fit */
static int copy_name(char *buf, size_t size, const char *name)
{
	size_t len = strlen(name);

	if (len >= size)
		return -1;
	memcpy(buf, name, len + 1);
	return 0;
}

/* The first 82540EM's PCI address in @pci: 0, or -1 if there is none */
static int find_card(char *pci, size_t size)
{
	FILE *f = popen("grep -l 0x100e " SYS_PCI "*/device", "r");
	char line[256], *end;

	if (!f)
		return -1;
	line[0] = '\0';
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	pclose(f);
	end = strrchr(line, '/');
	if (!end || strncmp(line, SYS_PCI, strlen(SYS_PCI)))
		return -1;
	*end = '\0';
	return copy_name(pci, size, line + strlen(SYS_PCI));
}

/* The interface of the card @pci in @dev: 0, or -1 if it has none */
static int card_interface(const char *pci, char *dev, size_t size)
{
	char path[256];
	struct dirent *d;
	DIR *dir;
	int ret = -1;

	snprintf(path, sizeof(path), SYS_PCI "%s/net", pci);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (ret && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			ret = copy_name(dev, size, d->d_name);
	closedir(dir);
	return ret;
}

/* The card @pci to @driver: the isolated e1000, or lvd_e1000_native */
static int card_to(const char *pci, int native)
{
	const char *want = native ? "e1000_native" : "e1000";
	char path[256], cmd[256], link[256], *driver;
	ssize_t len;

	/* busybox's rmmod stops at the first module that is not loaded */
	system("rmmod e1000 2>/dev/null");
	system("rmmod lvd_e1000_native 2>/dev/null");
	snprintf(path, sizeof(path), SYS_PCI "%s/driver_override", pci);
	if (write_text(path, native ? "e1000_native" : "\n"))
		return -1;
	if (system(native ? "modprobe lvd_e1000_native" : "modprobe e1000"))
		return -1;
	snprintf(cmd, sizeof(cmd), "echo %s > /sys/bus/pci/drivers_probe", pci);
	system(cmd);
	/* The card is the driver's measured, or nothing is */
	snprintf(path, sizeof(path), SYS_PCI "%s/driver", pci);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return -1;
	link[len] = '\0';
	driver = strrchr(link, '/');
	return driver && !strcmp(driver + 1, want) ? 0 : -1;
}

/* @dev up with a link and an address from DHCP; the server in @host */
static int interface_up(const char *dev, char *host, size_t size)
{
	char cmd[256], path[256], state[32], lease[128], server[32];
	FILE *f;
	int i;

	snprintf(cmd, sizeof(cmd), "ifconfig %s up", dev);
	if (system(cmd))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", dev);
	for (i = 0; i < 100; i++) {
		if (read_text(path, state, sizeof(state)) > 0 &&
		    !strcmp(state, "up\n"))
			break;
		usleep(100000);
	}
	f = fopen(SCRIPT, "w");
	if (!f)
		return -1;
	fputs(dhcp_script, f);
	if (fclose(f) || chmod(SCRIPT, 0755))
		return -1;
	unlink(LEASE);
	snprintf(cmd, sizeof(cmd),
		 "udhcpc -i %s -s " SCRIPT " -f -q -n -t 5 -T 1 >/dev/null 2>&1",
		 dev);
	if (system(cmd) || read_text(LEASE, lease, sizeof(lease)) <= 0 ||
	    sscanf(lease, "%*s %*s %31s", server) != 1)
		return -1;
	return copy_name(host, size, server);
}

/* The card to @native's driver, then ECHOES echoes measured in @f */
static int measure(const char *pci, int native, struct figures *f,
		   int *lost)
{
	char dev[32], host[32];
	struct sockaddr_in to = { .sin_family = AF_INET };
	int fd, i;

	if (card_to(pci, native) || card_interface(pci, dev, sizeof(dev)) ||
	    interface_up(dev, host, sizeof(host)) ||
	    inet_pton(AF_INET, host, &to.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	for (i = 0; i < WARM; i++)
		icmp_echo(fd, &to, i, 1000);
	*lost = 0;
	figures_start(f);
	for (i = 0; i < ECHOES; i++)
		*lost += !!icmp_echo(fd, &to, WARM + i, 1000);
	figures_stop(f);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *unit = argc > 1 ? argv[1] : "cycles";
	struct figures native, isolated;
	int lost_native, lost_isolated;
	char pci[64];

	if (find_card(pci, sizeof(pci)))
		return 0;
	if (measure(pci, 1, &native, &lost_native) ||
	    measure(pci, 0, &isolated, &lost_isolated)) {
		fprintf(stderr, "lvd-bench: e1000 could not be measured on %s\n",
			pci);
		return 1;
	}
	printf("lvd-bench e1000_echo_native %llu %s\n", native.ticks / ECHOES,
	       unit);
	printf("lvd-bench e1000_echo_isolated %llu %s\n",
	       isolated.ticks / ECHOES, unit);
	printf("lvd-bench e1000_echo_isolated_vs_native %llu %%\n",
	       native.ticks * 100 / isolated.ticks);
	printf("lvd-bench e1000_echo_lost %d/%d echoes\n",
	       lost_native + lost_isolated, 2 * ECHOES);
	print_per_op("e1000_echo", "vmfuncs_per_echo", isolated.vmfuncs,
		     ECHOES, "vmfuncs");
	printf("lvd-bench e1000_echo_native_vm_exits_per_1000_echoes %lld exits\n",
	       native.exits * 1000 / ECHOES);
	printf("lvd-bench e1000_echo_isolated_vm_exits_per_1000_echoes %lld exits\n",
	       isolated.exits * 1000 / ECHOES);
	print_copied("e1000_echo", "native", "echo", &native, ECHOES);
	print_copied("e1000_echo", "isolated", "echo", &isolated, ECHOES);
	system("rmmod e1000 2>/dev/null");
	return 0;
}
