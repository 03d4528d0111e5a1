/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing the small text files of debugfs, sysfs and tracefs,
 * for the LVD selftests.
 */
#ifndef _LVD_FILES_H
#define _LVD_FILES_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define LVD_DEBUGFS	"/sys/kernel/debug/lvd/"

/* Read a whole file into @buf, NUL-terminated: its length or -errno. */
static inline int read_text(const char *path, char *buf, size_t size)
{
	ssize_t len, total = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1) {
		len = read(fd, buf + total, size - 1 - total);
		if (len <= 0)
			break;
		total += len;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

/* Write @text to a file in one write(): 0 or -errno. */
static inline int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -errno;
	close(fd);
	return ret;
}

#endif /* _LVD_FILES_H */
