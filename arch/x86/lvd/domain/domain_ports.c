// SPDX-License-Identifier: GPL-2.0
/*
 * I/O ports for a domain: the port ranges of devices its driver drives,
 * which glue grants (lvd_domain_ports_allow()), and nothing else.
 *
 * Domain code runs at CPL 3 with IOPL 0 and no I/O bitmap of its own, so
 * its IN and OUT instructions raise #GP. On that #GP the kernel reads the
 * instruction from the domain's code, and when it is an IN or OUT of a
 * byte, word or doubleword, by DX or an immediate port, wholly inside a
 * range the domain was granted, does the access for it and goes on after
 * the instruction; anything else (string I/O, a port it was not granted,
 * an instruction it cannot read) stops the domain as any #GP does.
 * Drivers use port I/O rarely (e1000 resets some cards through it), so
 * the #GP costs nothing that matters.
 */

#include <linux/io.h>
#include <linux/spinlock.h>
#include <asm/trapnr.h>
#include <lvd/domain.h>
#include "domain/cross.h"
#include "domain/domain_priv.h"

/**
 * lvd_domain_ports_allow() - let a domain use a range of I/O ports
 * @d: the domain
 * @base: the range's first port
 * @len: its length, in ports
 *
 * Return: 0, -EINVAL for a range past the last port, or -ENOSPC when the
 * domain has LVD_DOMAIN_PORT_RANGES ranges already.
 */
int lvd_domain_ports_allow(struct lvd_domain *d, unsigned long base,
			   unsigned long len)
{
	unsigned int i;
	int err = -ENOSPC;

	if (!len || base > IO_SPACE_LIMIT || len > IO_SPACE_LIMIT + 1 - base)
		return -EINVAL;
	spin_lock_irq(&d->ports_lock);
	for (i = 0; i < LVD_DOMAIN_PORT_RANGES; i++)
		if (!d->ports[i].len) {
			d->ports[i].base = base;
			d->ports[i].len = len;
			err = 0;
			break;
		}
	spin_unlock_irq(&d->ports_lock);
	return err;
}
EXPORT_SYMBOL_GPL(lvd_domain_ports_allow);

/**
 * lvd_domain_ports_deny() - take back a range lvd_domain_ports_allow() gave
 * @d: the domain
 * @base: the range's first port, as it was given
 */
void lvd_domain_ports_deny(struct lvd_domain *d, unsigned long base)
{
	unsigned int i;

	spin_lock_irq(&d->ports_lock);
	for (i = 0; i < LVD_DOMAIN_PORT_RANGES; i++)
		if (d->ports[i].len && d->ports[i].base == base) {
			d->ports[i].len = 0;
			break;
		}
	spin_unlock_irq(&d->ports_lock);
}
EXPORT_SYMBOL_GPL(lvd_domain_ports_deny);

/* Were ports @port to @port + @size - 1 granted to @d? */
static bool lvd_domain_ports_granted(struct lvd_domain *d, unsigned int port,
				     unsigned int size)
{
	unsigned long flags;
	bool ok = false;
	unsigned int i;

	spin_lock_irqsave(&d->ports_lock, flags);
	for (i = 0; i < LVD_DOMAIN_PORT_RANGES && !ok; i++)
		ok = d->ports[i].len && port >= d->ports[i].base &&
		     port + size <= d->ports[i].base + d->ports[i].len;
	spin_unlock_irqrestore(&d->ports_lock, flags);
	return ok;
}

/* IN of @size bytes into @f's RAX, as the CPU would write it */
static void lvd_domain_port_in(struct lvd_cross_frame *f, unsigned int port,
			       unsigned int size)
{
	switch (size) {
	case 1:
		f->rax = (f->rax & ~0xffUL) | inb(port);
		break;
	case 2:
		f->rax = (f->rax & ~0xffffUL) | inw(port);
		break;
	default:
		f->rax = inl(port);	/* a 32-bit result clears the upper half */
	}
}

static void lvd_domain_port_out(const struct lvd_cross_frame *f,
				unsigned int port, unsigned int size)
{
	switch (size) {
	case 1:
		outb(f->rax, port);
		break;
	case 2:
		outw(f->rax, port);
		break;
	default:
		outl(f->rax, port);
	}
}

/**
 * lvd_domain_port_io() - do the port I/O a domain's #GP was for
 * @d: the domain
 * @f: its frame at the #GP, CPL 3: RIP moves past the instruction
 *
 * Context: in a call into @d, interrupts off.
 * Return: true when the instruction was an IN or OUT the domain may make,
 * done; false when the #GP stands.
 */
bool lvd_domain_port_io(struct lvd_domain *d, struct lvd_cross_frame *f)
{
	unsigned int len = 0, size = 4, port;
	u8 insn[4];
	bool in;

	if (f->vector != X86_TRAP_GP || (f->cs & 3) != 3 || f->error_code ||
	    lvd_domain_copy_from(d, insn, f->rip, sizeof(insn)))
		return false;
	/* An operand-size prefix makes a doubleword a word */
	if (insn[len] == 0x66) {
		size = 2;
		len++;
	}
	switch (insn[len]) {
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* imm8 port */
		port = insn[len + 1];
		in = insn[len] <= 0xe5;
		size = insn[len] & 1 ? size : 1;
		len += 2;
		break;
	case 0xec: case 0xed: case 0xee: case 0xef:	/* port in DX */
		port = f->rdx & 0xffff;
		in = insn[len] <= 0xed;
		size = insn[len] & 1 ? size : 1;
		len++;
		break;
	default:
		return false;
	}
	if (!lvd_domain_ports_granted(d, port, size))
		return false;
	if (in)
		lvd_domain_port_in(f, port, size);
	else
		lvd_domain_port_out(f, port, size);
	f->rip += len;
	return true;
}
