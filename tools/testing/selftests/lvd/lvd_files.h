/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing the small text files of debugfs, sysfs and tracefs,
 * for the LVD selftests.
 */
#ifndef _LVD_FILES_H
#define _LVD_FILES_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LVD_DEBUGFS	"/sys/kernel/debug/lvd/"

/* How many hypercalls the ABI has (LVD_HC_NR in arch/x86/lvd/hypervisor.h) */
#define HC_NR		12
/* LVD's hypercall number @nr: the signature "LVDH" in RAX[63:32] (LVD_HC()) */
#define HC(nr)		((0x4c564448UL << 32) | (nr))

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

/*
 * One exit reason's count over all CPUs, from the hypervisor's
 * lvd/exits: exits while the guest ran at CPL 3 if @user, else at CPL 0;
 * every reason's when @reason is NULL. -1 when the file cannot be read.
 */
static inline long long exits_of(const char *reason, int user)
{
	char buf[16384], *line, *save, name[32];
	unsigned long long k, u;
	long long total = 0;
	unsigned int cpu;

	if (read_text(LVD_DEBUGFS "exits", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "cpu%u %31s %llu %llu", &cpu, name, &k, &u) != 4)
			continue;
		if (!reason || !strcmp(name, reason))
			total += user ? u : k;
	}
	return total;
}

/* lvd_test_hv's file that runs a scenario in a fresh domain */
#define LVD_CROSS	"/sys/kernel/debug/lvd_test/cross"

/* Run a scenario; its result line goes to @buf. */
static inline int cross(const char *scenario, char *buf, size_t size)
{
	int ret = write_text(LVD_CROSS, scenario);

	if (ret)
		return ret;
	return read_text(LVD_CROSS, buf, size) > 0 ? 0 : -1;
}

/* Did the kernel log a line containing @text (which may hold any quote)? */
static inline int logged(const char *text)
{
	FILE *f = popen("dmesg", "r");
	size_t size = 0;
	char *line = NULL;
	int found = 0;

	if (!f)
		return 0;
	while (!found && getline(&line, &size, f) > 0)
		found = !!strstr(line, text);
	free(line);
	pclose(f);
	return found;
}

static inline int loaded(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	return access(path, F_OK) == 0;
}

/* Whether @dir@obj exists (SYS_NET "dummy0", say) */
static inline int sys_exists(const char *dir, const char *obj)
{
	char path[128];

	snprintf(path, sizeof(path), "%s%s", dir, obj);
	return access(path, F_OK) == 0;
}

/* A number from @dir@obj/@file, or -1 */
static inline long long sys_value(const char *dir, const char *obj,
				  const char *file)
{
	char path[160], buf[64];

	snprintf(path, sizeof(path), "%s%s/%s", dir, obj, file);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

#endif /* _LVD_FILES_H */
