// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue, tested with lvd_test_pci: a PCI driver that runs
 * isolated, drives the emulators' e1000 (8086:100e) through its BAR 0
 * mapped into its domain, and misuses the glue on request (its
 * "attack" parameter, drivers/lvd/isolated/lvd_test_pci.c). The card's
 * own driver is not loaded meanwhile.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cpuid.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_files.h"

#define TP	"lvd_test_pci: "

/* The card's sysfs directory, or "" when the boot has none */
static char card[128];

static int find_card(void)
{
	FILE *f = popen("grep -l 0x100e /sys/bus/pci/devices/*/device", "r");

	card[0] = 0;
	if (!f)
		return 0;
	if (fgets(card, sizeof(card), f))
		*strrchr(card, '/') = 0;
	pclose(f);
	return card[0] != 0;
}

/* The value of the card's sysfs file @name (enable, say), or -1 */
static long card_value(const char *name)
{
	char path[192], buf[64];

	snprintf(path, sizeof(path), "%s/%s", card, name);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 0);
}

/* Is bus mastering on (the command register, from sysfs's config)? */
static int card_master(void)
{
	unsigned char cfg[8];
	char path[192];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/config", card);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fread(cfg, 1, sizeof(cfg), f) == sizeof(cfg);
	fclose(f);
	return ok ? !!(cfg[4] & 4) : -1;
}

/* Which driver drives the card: its name, or "" */
static const char *card_driver(void)
{
	static char link[256];
	char path[192];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", card);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return "";
	link[n] = 0;
	return strrchr(link, '/') + 1;
}

/* lvd_test_pci with @params: the modprobe's status */
static int load(const char *params)
{
	char cmd[128];

	if (loaded("lvd_test_pci") && system("rmmod lvd_test_pci"))
		return -1;
	snprintf(cmd, sizeof(cmd), "modprobe lvd_test_pci %s", params);
	return system(cmd);
}

/* The card, let go: no driver, disabled, bus mastering off */
static void card_let_go(struct __test_metadata *_metadata)
{
	ASSERT_STREQ("", card_driver());
	ASSERT_EQ(0, card_value("enable"));
	ASSERT_EQ(0, card_master());
	ASSERT_NE(0, system("grep -q lvd_test_pci /proc/iomem"));
}

/* Is there a hypervisor below the kernel (CPUID.1:ECX[31]): nested KVM? */
static int nested(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	(void)a; (void)b; (void)d;
	return c >> 31;
}

FIXTURE(pci) {
	char buf[256];
};

FIXTURE_SETUP(pci)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	if (!find_card())
		SKIP(return, "no e1000 (8086:100e) in this boot");
	/*
	 * Under nested KVM a domain's first access to the card's BAR does
	 * not complete (the outer KVM does not finish the access made
	 * through the domain's EPT) and the watchdog stops the driver: an
	 * open problem of issue 15, not yet understood.
	 */
	if (nested())
		SKIP(return, "nested KVM: a domain's BAR access does not complete (open)");
	if (loaded("e1000"))
		ASSERT_EQ(0, system("rmmod e1000"));
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
}

FIXTURE_TEARDOWN(pci)
{
	if (loaded("lvd_test_pci"))
		system("rmmod lvd_test_pci");
}

/*
 * Isolated, the driver enables the card, claims and maps BAR 0 and reads
 * its registers there: the card's address, read from its EEPROM (through
 * EERD: a write, then reads), written to its receive address and read
 * back, is the emulators' (52:54:00:...); its configuration space says
 * Intel. Unloaded, the card is let go.
 */
TEST_F(pci, isolated_driver_reads_the_card)
{
	unsigned int a[6], e[6];
	char line[256];
	FILE *f;
	int i, found = 0;

	ASSERT_EQ(0, load(""));
	ASSERT_TRUE(logged("lvd: lvd_test_pci: isolated in domain"));
	ASSERT_STREQ("lvd_test_pci", card_driver());
	ASSERT_EQ(1, card_value("enable"));
	ASSERT_TRUE(logged("vendor 8086 device 100e link"));
	f = popen("dmesg | grep '" TP ".*address'", "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		found = sscanf(strstr(line, "address"),
			       "address %x:%x:%x:%x:%x:%x eeprom %x:%x:%x:%x:%x:%x",
			       &a[0], &a[1], &a[2], &a[3], &a[4], &a[5],
			       &e[0], &e[1], &e[2], &e[3], &e[4], &e[5]);
	pclose(f);
	ASSERT_EQ(12, found);
	for (i = 0; i < 6; i++)
		ASSERT_EQ(a[i], e[i]) TH_LOG("%s", line);
	ASSERT_EQ(0x52, a[0]) TH_LOG("%s", line);
	ASSERT_EQ(0x54, a[1]) TH_LOG("%s", line);
	ASSERT_EQ(0x00, a[2]) TH_LOG("%s", line);
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	ASSERT_TRUE(logged(TP "0000:"));
	ASSERT_TRUE(logged(": removed"));
	card_let_go(_metadata);
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * Power states and wake-up through the glue: D3hot (where the card can)
 * and D0, state saved, wake-up armed and disarmed, memory-write-
 * invalidate, each as the kernel answers for the device; a message
 * about the device named as the kernel names it; string reads of a
 * register in its BAR.
 */
TEST_F(pci, power_states_and_messages)
{
	ASSERT_EQ(0, load("pm=1"));
	/* D3hot as the card allows (Bochs's has no power management) */
	ASSERT_TRUE(logged("lvd_test_pci 0000:00:02.0: pm: d3hot "));
	ASSERT_TRUE(logged(" d0 0 save 0"));
	ASSERT_TRUE(logged("lvd_test_pci: pm: wake "));
	ASSERT_TRUE(logged("lvd_test_pci: rep: status matches"));
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	card_let_go(_metadata);
}

/* Non-VMCALL VM exits in the kernel's view, on every CPU */
static long long other_exits(void)
{
	return exits_of(NULL, 0) - exits_of("VMCALL", 0);
}

/*
 * Device memory is mapped in the domain's EPT: the driver's reads of the
 * card's registers cause no VM exit. A load that reads the status 20000
 * times more (500 under nested KVM, where each read is emulated by the
 * outer QEMU) exits no more than one that does not.
 */
TEST_F(pci, device_memory_causes_no_exits)
{
	long long before, plain, busy;
	int reads = nested() ? 500 : 20000;
	char params[32], done[64];

	before = other_exits();
	ASSERT_EQ(0, load("reads=0"));
	plain = other_exits() - before;
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	snprintf(params, sizeof(params), "reads=%d", reads);
	snprintf(done, sizeof(done), "%d reads of the status done", reads);
	before = other_exits();
	ASSERT_EQ(0, load(params));
	busy = other_exits() - before;
	ASSERT_TRUE(logged(done));
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	ASSERT_GT(plain + 50, busy) TH_LOG("exits: %lld without reads, %lld with", plain, busy);
}

/*
 * The driver misusing the glue at probe: BARs that are not memory or do
 * not exist, ioremap() of the local APIC, of RAM and past its BAR,
 * devices it does not drive, configuration writes to the header (BAR 0,
 * the command register) and reads beyond the space or unaligned. Each is
 * refused and named in the log; nothing is stopped, BAR 0 and the
 * command register keep their values, and the card works after.
 */
TEST_F(pci, misuse_is_refused)
{
	static const struct {
		int attack;
		const char *result, *logged;
	} cases[] = {
		{ 1, "BAR 1: refused, BAR 6: refused", "which is not memory" },
		{ 1, NULL, "BAR 6 of 0000:" },
		{ 2, "ioremap: apic refused, own memory refused, after BAR 0 refused",
		  "ioremap() of 0xfee00000" },
		{ 3, "forged devices: enable -19 -19, map refused/refused, config 134",
		  "a PCI device it does not drive" },
		{ 3, "lvd_test_pci: (a device it does not drive): forged device 1",
		  "ioread16_rep() of 2 words at" },
		{ 4, "config: write BAR 0 136, write command 136, read beyond 135, unaligned 135",
		  "configuration write of 4 bytes at 0x10" },
	};
	unsigned long start = 0;
	char want[64], res[192], path[192], params[16];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/resource", card);
	ASSERT_LT(0, read_text(path, res, sizeof(res)));
	start = strtoul(res, NULL, 16);
	ASSERT_NE(0, start);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, system("dmesg -c > /dev/null"));
		snprintf(params, sizeof(params), "attack=%d", cases[i].attack);
		ASSERT_EQ(0, load(params));
		if (cases[i].result)
			EXPECT_TRUE(logged(cases[i].result)) TH_LOG("attack %d", cases[i].attack);
		EXPECT_TRUE(logged(cases[i].logged)) TH_LOG("attack %d", cases[i].attack);
		EXPECT_FALSE(logged("stopped")) TH_LOG("attack %d", cases[i].attack);
		ASSERT_EQ(0, system("rmmod lvd_test_pci"));
		card_let_go(_metadata);
	}
	snprintf(want, sizeof(want), "config: BAR 0 %#lx command 0x", start);
	ASSERT_TRUE(logged(want)) TH_LOG("want \"%s\"", want);
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load(""));
	ASSERT_TRUE(logged("vendor 8086 device 100e link"));
	ASSERT_FALSE(logged("refused"));
}

/* The numbers of the last "sent N frames, W written back, I interrupts" */
static int frames_sent(int *n, int *w, int *irqs)
{
	FILE *f = popen("dmesg | grep '" TP ".*frames' | tail -n 1", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) && strstr(line, "sent "))
		found = sscanf(strstr(line, "sent "),
			       "sent %d frames, %d written back, %d interrupts",
			       n, w, irqs);
	pclose(f);
	return found == 3;
}

/*
 * The card sends frames with DMA and raises interrupts: its transmit
 * ring is a coherent buffer the kernel gave the driver, the frame a page
 * of the driver's mapped for the card to read; the card reads both and
 * writes each descriptor's status back into the ring, and its interrupt
 * for each frame reaches the driver's handler in its domain, in hardirq
 * context. Twice, in one load and the next.
 */
TEST_F(pci, card_sends_with_dma_and_interrupts)
{
	int i, n, w, irqs;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, load("send=16"));
		ASSERT_TRUE(frames_sent(&n, &w, &irqs));
		ASSERT_EQ(16, n);
		ASSERT_EQ(16, w);
		ASSERT_EQ(16, irqs);
		ASSERT_EQ(0, system("rmmod lvd_test_pci"));
		card_let_go(_metadata);
	}
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * DMA misuse, each refused and named: a streaming mapping of a kernel
 * page, a sync and an unmap of a kernel DMA address, freeing a coherent
 * buffer it does not have, 64 MiB of coherent memory.
 */
TEST_F(pci, dma_misuse_is_refused)
{
	ASSERT_EQ(0, load("attack=9"));
	ASSERT_TRUE(logged("dma: kernel page refused, sync done, free done, 64 MiB refused"));
	ASSERT_TRUE(logged("a DMA mapping of 64 bytes at"));
	ASSERT_TRUE(logged("dma_sync_single_for_cpu() of 64 bytes at DMA address 0x1000000"));
	ASSERT_TRUE(logged("dma_unmap_page_attrs() of 64 bytes at DMA address 0x1000000"));
	ASSERT_TRUE(logged("0x1000000, which is not its memory"));
	ASSERT_TRUE(logged("dma_free_attrs() of"));
	ASSERT_TRUE(logged("a coherent buffer of 67108864 bytes"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	card_let_go(_metadata);
}

/*
 * Interrupt misuse, each refused and named: disabling a line it has no
 * handler on, a handler on the timer's line, a threaded handler, freeing
 * a handler it has not requested.
 */
TEST_F(pci, irq_misuse_is_refused)
{
	ASSERT_EQ(0, load("attack=10"));
	ASSERT_TRUE(logged("irq: timer -22, threaded -22"));
	ASSERT_TRUE(logged("on which it has no handler"));
	ASSERT_TRUE(logged("interrupt 0 with flags"));
	ASSERT_TRUE(logged(": not the line of a device it drives"));
	ASSERT_TRUE(logged(", threaded"));
	ASSERT_TRUE(logged("which it has not requested"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	card_let_go(_metadata);
}

/*
 * An interrupt handler that faults: the driver is stopped in hardirq
 * context, the glue masks the card's INTx so that the line does not
 * storm, the load fails and the card is let go; the kernel does not
 * disable the line, and a good load after sends with interrupts.
 */
TEST_F(pci, faulting_interrupt_handler_stops_only_the_driver)
{
	int n, w, irqs;

	ASSERT_NE(0, load("attack=11 send=4"));
	ASSERT_TRUE(logged("(lvd_test_pci) stopped: vector 14"));
	ASSERT_FALSE(loaded("lvd_test_pci"));
	card_let_go(_metadata);
	ASSERT_FALSE(logged("nobody cared"));
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load("send=4"));
	ASSERT_TRUE(frames_sent(&n, &w, &irqs));
	ASSERT_EQ(4, w);
	ASSERT_EQ(4, irqs);
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
}

/*
 * A driver that reads the card through BAR 0 after unmapping it faults
 * in its domain and is stopped; its load fails, the card is let go, and
 * a good load works after.
 */
TEST_F(pci, unmapped_bar_stops_the_driver)
{
	ASSERT_NE(0, load("attack=5"));
	ASSERT_TRUE(logged(TP "BAR 0 unmapped; reading the status"));
	ASSERT_FALSE(logged(TP "status 0x"));
	ASSERT_TRUE(logged("(lvd_test_pci) stopped: vector 14"));
	ASSERT_FALSE(loaded("lvd_test_pci"));
	card_let_go(_metadata);
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load(""));
	ASSERT_TRUE(logged("vendor 8086 device 100e link"));
}

/*
 * A driver whose remove leaves a work item that writes the card's BAR 0
 * 200 ms later: the card is let go when remove returns (bus mastering
 * off, BAR 0 unmapped from the domain), so the write faults in the
 * domain and the driver is stopped; the card stays let go, and a good
 * load drives it after.
 */
TEST_F(pci, mmio_write_after_release_stops_the_driver)
{
	char unbind[64];

	ASSERT_EQ(0, load("attack=12"));
	ASSERT_STREQ("lvd_test_pci", card_driver());
	snprintf(unbind, sizeof(unbind), "echo %s > /sys/bus/pci/drivers/lvd_test_pci/unbind",
		 strrchr(card, '/') + 1);
	ASSERT_EQ(0, system(unbind));
	sleep(2);
	ASSERT_TRUE(logged(TP "writing BAR 0 after the card was let go"));
	ASSERT_FALSE(logged(TP "BAR 0 written"));
	ASSERT_TRUE(logged("(lvd_test_pci) stopped: vector 14"));
	card_let_go(_metadata);
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load(""));
	ASSERT_TRUE(logged("vendor 8086 device 100e link"));
}

/*
 * A driver that leaves the card enabled, claimed, mapped and mastering
 * the bus: the glue takes it all back when the driver is removed, and
 * the card's own driver can take it over.
 */
TEST_F(pci, leftovers_are_taken_back)
{
	ASSERT_EQ(0, load("attack=6"));
	ASSERT_EQ(1, card_value("enable"));
	ASSERT_EQ(1, card_master());
	ASSERT_EQ(0, system("grep -q lvd_test_pci /proc/iomem"));
	ASSERT_EQ(0, system("rmmod lvd_test_pci"));
	card_let_go(_metadata);
	/* The card's own driver takes it over */
	ASSERT_EQ(0, system("modprobe e1000"));
	ASSERT_STREQ("e1000", card_driver());
	ASSERT_EQ(0, system("rmmod e1000"));
	ASSERT_EQ(0, load(""));
	ASSERT_TRUE(logged("vendor 8086 device 100e link"));
}

/*
 * Drivers the kernel will not register: one whose probe is a kernel
 * address, one whose ID table has no end. Each load fails, named in the
 * log, with nothing left; a good load works after.
 */
TEST_F(pci, bad_drivers_are_refused)
{
	ASSERT_NE(0, load("attack=7"));
	ASSERT_TRUE(logged("probe, remove or shutdown is not its code"));
	ASSERT_FALSE(loaded("lvd_test_pci"));
	ASSERT_NE(0, load("attack=8"));
	ASSERT_TRUE(logged("an ID table without an end in 64 entries"));
	ASSERT_FALSE(loaded("lvd_test_pci"));
	card_let_go(_metadata);
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, load(""));
	ASSERT_STREQ("lvd_test_pci", card_driver());
}

TEST_HARNESS_MAIN
