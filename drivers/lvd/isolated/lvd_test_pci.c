// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module is a small PCI driver
 * for the emulators' e1000 (8086:100e) that reads the card's registers
 * through BAR 0 mapped into its domain, and misuses the PCI glue as its
 * parameter "attack" says, for the selftests (pci_test.c) to check each
 * misuse is refused or contained:
 *
 *  0  none: enable the card, claim and map BAR 0, read its status and
 *     its address from the EEPROM, set receive address 0 to it and read
 *     it back, report them; at remove unmap, release and disable
 *  1  map BAR 1 (the card's I/O ports) and BAR 6 (no such BAR)
 *  2  ioremap() the local APIC, a page of its own memory, and the page
 *     after BAR 0
 *  3  name devices it does not drive: a kernel address, its device + 8
 *  4  write BAR 0's and the command register in configuration space,
 *     read beyond it and unaligned
 *  5  unmap BAR 0, then read the card's status through it: stopped
 *  6  leave everything to the glue: enable, claim, map, bus master, and
 *     a remove that undoes nothing
 *  7  at load: a driver whose probe is a kernel address
 *  8  at load: a driver whose ID table has no end
 *  9  DMA: map a kernel page, sync and unmap a kernel DMA address, free a
 *     coherent buffer it does not have, ask for 64 MiB of one
 * 10  interrupts: the timer's line, its card's with a threaded handler,
 *     free_irq() and disable_irq() of what it has not requested
 * 11  send with an interrupt handler that faults: stopped in hardirq
 * 12  a remove that leaves a work item writing the card's BAR 0 after
 *     the card is let go: stopped
 *
 * pm=1 puts the card in D3hot and back in D0, saves its state, arms
 * and disarms wake-up and memory-write-invalidate, and reads its status
 * with ioread16_rep(), reporting each result. reads=N reads the status
 * N more times at probe, for the VM exits that
 * device memory must not cause to be counted. send=N sends N frames at
 * probe through a transmit ring of 8 descriptors (coherent DMA memory)
 * and a page of its own (a streaming mapping), waiting after each for the
 * card's interrupt, and reports what the card wrote back.
 */

#define pr_fmt(fmt) "lvd_test_pci: " fmt

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

/* A kernel address the module does not map */
#define LVD_TP_KERNEL	((void *)0xffffffff81000000UL)

/* The 82540EM's registers (Intel's manual, section 13) */
#define LVD_TP_STATUS		0x0008
#define LVD_TP_STATUS_LU	BIT(1)		/* link up */
#define LVD_TP_EERD		0x0014		/* EEPROM read */
#define LVD_TP_EERD_START	BIT(0)
#define LVD_TP_EERD_DONE	BIT(4)
#define LVD_TP_RAL0		0x5400
#define LVD_TP_RAH0		0x5404
#define LVD_TP_RAH_AV		BIT(31)		/* address valid */
#define LVD_TP_ICR		0x00c0		/* interrupt cause, read clears */
#define LVD_TP_IMS		0x00d0		/* interrupt mask set */
#define LVD_TP_IMC		0x00d8		/* interrupt mask clear */
#define LVD_TP_INT_TXDW		BIT(0)		/* a descriptor written back */
#define LVD_TP_TCTL		0x0400
#define LVD_TP_TCTL_EN		BIT(1)
#define LVD_TP_TCTL_PSP		BIT(3)		/* pad short packets */
#define LVD_TP_TIPG		0x0410
#define LVD_TP_TDBAL		0x3800
#define LVD_TP_TDBAH		0x3804
#define LVD_TP_TDLEN		0x3808
#define LVD_TP_TDH		0x3810
#define LVD_TP_TDT		0x3818

/* A legacy transmit descriptor (section 3.3.3) */
struct lvd_tp_tx_desc {
	__le64 addr;
	__le16 length;
	u8 cso;
	u8 cmd;
	u8 status;
	u8 css;
	__le16 special;
};

#define LVD_TP_TX_EOP		BIT(0)		/* cmd: end of packet */
#define LVD_TP_TX_IFCS		BIT(1)		/* cmd: insert the FCS */
#define LVD_TP_TX_RS		BIT(3)		/* cmd: report status */
#define LVD_TP_TX_DD		BIT(0)		/* status: descriptor done */
#define LVD_TP_RING		8
#define LVD_TP_FRAME		60

static int lvd_tp_attack;
module_param_named(attack, lvd_tp_attack, int, 0);
static int lvd_tp_reads;
module_param_named(reads, lvd_tp_reads, int, 0);
static int lvd_tp_send;
module_param_named(send, lvd_tp_send, int, 0);
static bool lvd_tp_pm;
module_param_named(pm, lvd_tp_pm, bool, 0);

static atomic_t lvd_tp_irqs = ATOMIC_INIT(0);

static void __iomem *lvd_tp_hw;

/*
 * One word of the card's EEPROM through EERD, or -1 when it does not
 * answer: the 82540EM's layout (address at bit 8, done at bit 4), which
 * Bochs emulates, else the later parts' (address at bit 2, done at bit
 * 1), which QEMU's 82540EM has. Linux's e1000 uses neither (it clocks
 * the EEPROM through EECD); a few polls each, so that device memory as
 * slow as nested KVM's stays within the watchdog's budget.
 */
static int lvd_tp_eerd(void __iomem *hw, u32 start, u32 done)
{
	u32 v;
	int i;

	writel(start, hw + LVD_TP_EERD);
	for (i = 0; i < 10; i++) {
		v = readl(hw + LVD_TP_EERD);
		if (v & done)
			return v >> 16;
	}
	return -1;
}

static int lvd_tp_eeprom(void __iomem *hw, unsigned int word)
{
	int w = lvd_tp_eerd(hw, word << 8 | LVD_TP_EERD_START, LVD_TP_EERD_DONE);

	return w >= 0 ? w : lvd_tp_eerd(hw, word << 2 | LVD_TP_EERD_START, BIT(1));
}

static irqreturn_t lvd_tp_irq(int irq, void *data)
{
	u32 icr = readl(lvd_tp_hw + LVD_TP_ICR);

	if (lvd_tp_attack == 11)
		WRITE_ONCE(*(u32 *)LVD_TP_KERNEL, icr);
	if (!(icr & LVD_TP_INT_TXDW))
		return IRQ_NONE;
	atomic_inc(&lvd_tp_irqs);
	return IRQ_HANDLED;
}

/* A broadcast frame: an ARP request for 192.168.10.1 from the card */
static void lvd_tp_frame(u8 *f, const u8 *mac)
{
	static const u8 arp[] = { 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };

	memset(f, 0, LVD_TP_FRAME);
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + ETH_ALEN, mac, ETH_ALEN);
	memcpy(f + 12, arp, sizeof(arp));
	memcpy(f + 22, mac, ETH_ALEN);
	f[28] = 192, f[29] = 168, f[30] = 10, f[31] = 15;
	f[38] = 192, f[39] = 168, f[40] = 10, f[41] = 1;
}

/* Send lvd_tp_send frames; report what the card wrote back */
static void lvd_tp_transmit(struct pci_dev *pdev, const u8 *mac)
{
	struct lvd_tp_tx_desc *ring;
	dma_addr_t ring_dma, buf_dma;
	int i, j, done = 0, err;
	struct page *page;
	u8 *buf = NULL;

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	ring = dma_alloc_coherent(&pdev->dev, sizeof(*ring) * LVD_TP_RING,
				  &ring_dma, GFP_KERNEL);
	page = alloc_page(GFP_KERNEL);
	if (page)
		buf = page_address(page);
	if (err || !ring || !buf) {
		pr_err("send: mask %d, ring %p, buffer %p\n", err, ring, buf);
		goto out;
	}
	lvd_tp_frame(buf, mac);
	buf_dma = dma_map_single(&pdev->dev, buf, LVD_TP_FRAME, DMA_TO_DEVICE);
	if (dma_mapping_error(&pdev->dev, buf_dma)) {
		pr_err("send: the frame is not mapped\n");
		goto out;
	}
	err = request_irq(pdev->irq, lvd_tp_irq, IRQF_SHARED, "lvd_test_pci", pdev);
	if (err) {
		pr_err("send: request_irq: %d\n", err);
		goto unmap;
	}
	pci_set_master(pdev);
	writel(lower_32_bits(ring_dma), lvd_tp_hw + LVD_TP_TDBAL);
	writel(upper_32_bits(ring_dma), lvd_tp_hw + LVD_TP_TDBAH);
	writel(sizeof(*ring) * LVD_TP_RING, lvd_tp_hw + LVD_TP_TDLEN);
	writel(0, lvd_tp_hw + LVD_TP_TDH);
	writel(0, lvd_tp_hw + LVD_TP_TDT);
	writel(10 | 8 << 10 | 6 << 20, lvd_tp_hw + LVD_TP_TIPG);
	writel(LVD_TP_TCTL_EN | LVD_TP_TCTL_PSP | 0x10 << 4 | 0x40 << 12,
	       lvd_tp_hw + LVD_TP_TCTL);
	writel(LVD_TP_INT_TXDW, lvd_tp_hw + LVD_TP_IMS);
	for (i = 0; i < lvd_tp_send; i++) {
		struct lvd_tp_tx_desc *desc = &ring[i % LVD_TP_RING];

		desc->addr = cpu_to_le64(buf_dma);
		desc->length = cpu_to_le16(LVD_TP_FRAME);
		desc->cmd = LVD_TP_TX_EOP | LVD_TP_TX_IFCS | LVD_TP_TX_RS;
		desc->status = 0;
		/* The descriptor in memory before the card is told of it */
		wmb();
		writel((i + 1) % LVD_TP_RING, lvd_tp_hw + LVD_TP_TDT);
		for (j = 0; j < 100000 && !(READ_ONCE(desc->status) & LVD_TP_TX_DD); j++)
			cpu_relax();
		done += !!(READ_ONCE(desc->status) & LVD_TP_TX_DD);
		/* and its interrupt, before the next: one each */
		for (j = 0; j < 100000 && atomic_read(&lvd_tp_irqs) <= i; j++)
			cpu_relax();
	}
	pr_info("%s: sent %d frames, %d written back, %d interrupts\n",
		pci_name(pdev), lvd_tp_send, done, atomic_read(&lvd_tp_irqs));
	writel(~0U, lvd_tp_hw + LVD_TP_IMC);
	writel(0, lvd_tp_hw + LVD_TP_TCTL);
	synchronize_irq(pdev->irq);
	free_irq(pdev->irq, pdev);
unmap:
	dma_unmap_single(&pdev->dev, buf_dma, LVD_TP_FRAME, DMA_TO_DEVICE);
out:
	if (page)
		__free_page(page);
	if (ring)
		dma_free_coherent(&pdev->dev, sizeof(*ring) * LVD_TP_RING, ring,
				  ring_dma);
}

/* pm=1: power states, wake-up, MWI, and string reads of a register */
static void lvd_tp_power(struct pci_dev *pdev, void __iomem *hw)
{
	int d3 = pci_set_power_state(pdev, PCI_D3hot);
	int d0 = pci_set_power_state(pdev, PCI_D0);
	u16 words[2] = { 1, 1 }, status;

	dev_info(&pdev->dev, "pm: d3hot %d d0 %d save %d\n", d3, d0,
		 pci_save_state(pdev));
	pr_info("pm: wake %d/%d d3 wake %d wakeup %d mwi %d\n",
		pci_enable_wake(pdev, PCI_D3hot, 1), pci_enable_wake(pdev, PCI_D3hot, 0),
		pci_wake_from_d3(pdev, false),
		device_set_wakeup_enable(&pdev->dev, false), pci_set_mwi(pdev));
	pci_clear_mwi(pdev);
	/* The same 16-bit register read twice, as readw() reads it */
	ioread16_rep(hw + LVD_TP_STATUS, words, 2);
	status = readw(hw + LVD_TP_STATUS);
	pr_info("rep: status %s\n", words[0] == status && words[1] == status ?
		"matches" : "differs");
}

static void lvd_tp_report(struct pci_dev *pdev, void __iomem *hw)
{
	u32 status = readl(hw + LVD_TP_STATUS);
	u8 ra[6], ee[6];
	u16 vendor = 0;
	int i, w;

	for (i = 0; i < 3; i++) {
		w = lvd_tp_eeprom(hw, i);
		put_unaligned_le16(w, ee + 2 * i);
	}
	/*
	 * Receive address 0, the address the card answers to, set from the
	 * EEPROM (valid: RAH's top bit) and read back
	 */
	writel(get_unaligned_le32(ee), hw + LVD_TP_RAL0);
	writel(get_unaligned_le16(ee + 4) | LVD_TP_RAH_AV, hw + LVD_TP_RAH0);
	put_unaligned_le32(readl(hw + LVD_TP_RAL0), ra);
	put_unaligned_le16(readl(hw + LVD_TP_RAH0), ra + 4);
	pci_read_config_word(pdev, PCI_VENDOR_ID, &vendor);
	pr_info("%s: vendor %04x device %04x link %s\n", pci_name(pdev),
		vendor, pdev->device, status & LVD_TP_STATUS_LU ? "up" : "down");
	pr_info("%s: address %pM eeprom %pM\n", pci_name(pdev), ra, ee);
	if (lvd_tp_send)
		lvd_tp_transmit(pdev, ra);
	if (lvd_tp_pm)
		lvd_tp_power(pdev, hw);
	for (i = 0; i < lvd_tp_reads; i++) {
		status |= readl(hw + LVD_TP_STATUS);
		/* A kernel call now and then: the watchdog's stretch ends */
		if (i % 64 == 63)
			udelay(1);
	}
	if (lvd_tp_reads)
		pr_info("%s: %d reads of the status done\n", pci_name(pdev),
			lvd_tp_reads);
}

static void lvd_tp_misuse(struct pci_dev *pdev)
{
	resource_size_t end = pci_resource_end(pdev, 0) + 1;
	u16 cmd = 0;
	u32 bar0 = 0, v = 0;
	dma_addr_t dma;
	void *mine;

	switch (lvd_tp_attack) {
	case 1:
		pr_info("BAR 1: %s, BAR 6: %s\n",
			pci_ioremap_bar(pdev, 1) ? "mapped" : "refused",
			pci_ioremap_bar(pdev, 6) ? "mapped" : "refused");
		break;
	case 2:
		mine = kmalloc(PAGE_SIZE, GFP_KERNEL);
		pr_info("ioremap: apic %s, own memory %s, after BAR 0 %s\n",
			ioremap(0xfee00000, PAGE_SIZE) ? "mapped" : "refused",
			mine && ioremap(virt_to_phys(mine), PAGE_SIZE) ? "mapped" : "refused",
			ioremap(end, PAGE_SIZE) ? "mapped" : "refused");
		kfree(mine);
		break;
	case 3:
		dev_err((struct device *)LVD_TP_KERNEL, "forged device %d\n", 1);
		ioread16_rep(lvd_tp_hw + pci_resource_len(pdev, 0) - 2, &cmd, 2);
		pr_info("forged devices: enable %d %d, map %s/%s, config %d\n",
			pci_enable_device(LVD_TP_KERNEL),
			pci_enable_device((void *)pdev + 8),
			pci_ioremap_bar(LVD_TP_KERNEL, 0) ? "mapped" : "refused",
			pci_ioremap_bar((void *)pdev + 8, 0) ? "mapped" : "refused",
			pci_read_config_word((void *)pdev + 8, PCI_VENDOR_ID, &cmd));
		break;
	case 4:
		pr_info("config: write BAR 0 %d, write command %d, read beyond %d, unaligned %d\n",
			pci_write_config_dword(pdev, PCI_BASE_ADDRESS_0, 0),
			pci_write_config_word(pdev, PCI_COMMAND, 0),
			pci_read_config_dword(pdev, 0x1000, &v),
			pci_read_config_dword(pdev, 2, &v));
		pci_read_config_dword(pdev, PCI_BASE_ADDRESS_0, &bar0);
		pci_read_config_word(pdev, PCI_COMMAND, &cmd);
		pr_info("config: BAR 0 %#x command %#x\n", bar0, cmd);
		break;
	case 9:
		mine = dma_alloc_coherent(&pdev->dev, PAGE_SIZE, &dma, GFP_KERNEL);
		pr_info("dma: kernel page %s, sync done, free done, 64 MiB %s\n",
			dma_mapping_error(&pdev->dev,
					  dma_map_page(&pdev->dev, virt_to_page(LVD_TP_KERNEL),
						       0, 64, DMA_FROM_DEVICE)) ?
			"refused" : "mapped",
			dma_alloc_coherent(&pdev->dev, SZ_64M, &dma, GFP_KERNEL) ?
			"given" : "refused");
		dma_sync_single_for_cpu(&pdev->dev, 0x1000000, 64, DMA_FROM_DEVICE);
		dma_unmap_single(&pdev->dev, 0x1000000, 64, DMA_FROM_DEVICE);
		dma_free_coherent(&pdev->dev, PAGE_SIZE, (void *)mine + PAGE_SIZE, dma);
		dma_free_coherent(&pdev->dev, PAGE_SIZE, mine, dma);
		break;
	case 10:
		disable_irq(pdev->irq);
		pr_info("irq: timer %d, threaded %d\n",
			request_irq(0, lvd_tp_irq, IRQF_SHARED, "lvd_test_pci", pdev),
			request_threaded_irq(pdev->irq, lvd_tp_irq, lvd_tp_irq,
					     IRQF_SHARED, "lvd_test_pci", pdev));
		free_irq(pdev->irq, pdev);
		break;
	case 5:
		iounmap(lvd_tp_hw);
		pr_info("BAR 0 unmapped; reading the status\n");
		pr_info("status %#x\n", readl(lvd_tp_hw + LVD_TP_STATUS));
		break;
	}
}

static int lvd_tp_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = pci_request_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM),
					   "lvd_test_pci");
	if (err)
		goto disable;
	lvd_tp_hw = pci_ioremap_bar(pdev, 0);
	if (!lvd_tp_hw) {
		err = -EIO;
		goto release;
	}
	if (lvd_tp_attack == 6)
		pci_set_master(pdev);
	lvd_tp_report(pdev, lvd_tp_hw);
	lvd_tp_misuse(pdev);
	return 0;
release:
	pci_release_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM));
disable:
	pci_disable_device(pdev);
	return err;
}

/* Attack 12: after the card was let go, a write to its BAR 0 */
static void lvd_tp_late_write(struct work_struct *work)
{
	pr_info("writing BAR 0 after the card was let go\n");
	writel(~0U, lvd_tp_hw + LVD_TP_IMC);
	pr_info("BAR 0 written\n");
}

static DECLARE_DELAYED_WORK(lvd_tp_late, lvd_tp_late_write);

static void lvd_tp_remove(struct pci_dev *pdev)
{
	pr_info("%s: removed\n", pci_name(pdev));
	if (lvd_tp_attack == 12)
		schedule_delayed_work(&lvd_tp_late, HZ / 5);
	if (lvd_tp_attack == 6 || lvd_tp_attack == 12)
		return;
	iounmap(lvd_tp_hw);
	pci_release_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM));
	pci_disable_device(pdev);
}

static const struct pci_device_id lvd_tp_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x100e) },
	{ }
};
MODULE_DEVICE_TABLE(pci, lvd_tp_ids);

/* Attack 8: the table's end overwritten at load */
static struct pci_device_id lvd_tp_endless[64];

static struct pci_driver lvd_tp_driver = {
	.name = "lvd_test_pci",
	.id_table = lvd_tp_ids,
	.probe = lvd_tp_probe,
	.remove = lvd_tp_remove,
};

static int __init lvd_tp_init(void)
{
	int i;

	if (lvd_tp_attack == 7)
		lvd_tp_driver.probe = LVD_TP_KERNEL;
	if (lvd_tp_attack == 8) {
		for (i = 0; i < ARRAY_SIZE(lvd_tp_endless); i++)
			lvd_tp_endless[i] = lvd_tp_ids[0];
		lvd_tp_driver.id_table = lvd_tp_endless;
	}
	return pci_register_driver(&lvd_tp_driver);
}
module_init(lvd_tp_init);

static void __exit lvd_tp_exit(void)
{
	pci_unregister_driver(&lvd_tp_driver);
}
module_exit(lvd_tp_exit);

MODULE_DESCRIPTION("LVD's isolated PCI test driver: an e1000's registers, and misuse of the PCI glue");
MODULE_LICENSE("GPL");
