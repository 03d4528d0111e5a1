/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the NIC selftest and benchmark share: busybox udhcpc's script, and
 * ICMP echoes on a raw socket, each waiting for its reply with poll(), so
 * that a reply that never comes ends the wait (busybox's ping waits for
 * it with alarm(), which a kernel without POSIX timers, as the tests'
 * tiny configuration is, does not have).
 */
#ifndef _LVD_NIC_H
#define _LVD_NIC_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * busybox udhcpc's script: the address it is given goes on the interface,
 * and "IP MASK SERVER" of the lease into the file @lease
 */
#define LVD_NIC_DHCP_SCRIPT(lease)					\
	"#!/bin/sh\n"							\
	"case $1 in\n"							\
	"deconfig) ifconfig $interface 0.0.0.0 ;;\n"			\
	"bound|renew)\n"						\
	"	ifconfig $interface $ip netmask ${subnet:-255.255.255.0}\n" \
	"	echo $ip ${subnet:-255.255.255.0} $serverid > " lease " ;;\n" \
	"esac\n"

static inline unsigned short icmp_checksum(const void *data, size_t len)
{
	const unsigned short *p = data;
	unsigned int sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const unsigned char *)p;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return ~sum;
}

/*
 * One echo to @to on the raw ICMP socket @fd, numbered @seq: 0 when its
 * reply came within @ms milliseconds, else -1
 */
static inline int icmp_echo(int fd, const struct sockaddr_in *to,
			    unsigned short seq, int ms)
{
	unsigned char buf[256];
	struct icmphdr req = {
		.type = ICMP_ECHO,
		.un.echo = { .id = htons(getpid() & 0xffff),
			     .sequence = htons(seq) },
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct icmphdr *rep;
	struct iphdr *ip;
	ssize_t n;

	req.checksum = icmp_checksum(&req, sizeof(req));
	if (sendto(fd, &req, sizeof(req), MSG_DONTWAIT, (const void *)to,
		   sizeof(*to)) < 0)
		return -1;
	while (poll(&pfd, 1, ms) == 1) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		ip = (struct iphdr *)buf;
		if (n < (ssize_t)sizeof(*ip) ||
		    n < ip->ihl * 4 + (ssize_t)sizeof(*rep))
			continue;
		rep = (struct icmphdr *)(buf + ip->ihl * 4);
		if (rep->type == ICMP_ECHOREPLY &&
		    rep->un.echo.id == req.un.echo.id &&
		    rep->un.echo.sequence == req.un.echo.sequence)
			return 0;
	}
	return -1;
}

/*
 * @count echoes to @host, each sent when the last was answered or given
 * up after @ms, through the interface @dev only unless it is NULL: the
 * replies, or -1
 */
static inline int icmp_echoes(const char *host, const char *dev, int count,
			      int ms)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	int fd, i, replies = 0;

	if (inet_pton(AF_INET, host, &to.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      strlen(dev) + 1)) {
		close(fd);
		return -1;
	}
	for (i = 0; i < count; i++)
		replies += !icmp_echo(fd, &to, i, ms);
	close(fd);
	return replies;
}

#endif /* _LVD_NIC_H */
