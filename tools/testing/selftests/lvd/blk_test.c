// SPDX-License-Identifier: GPL-2.0
/*
 * A real block driver isolated: null_blk (drivers/block/null_blk/,
 * unchanged), built to run in an LVD domain
 * (CONFIG_BLK_DEV_NULL_BLK_LVD_ISOLATED), loaded with modprobe. Its
 * parameters are parsed by its own code in the domain where they are its
 * own type (irqmode, queue_mode); its disks are made through the block
 * glue; direct I/O reaches its queue_rq in the domain on each request's
 * shadow and completes inline (irqmode=0), through the block softirq and
 * its complete (irqmode=1) or from an hrtimer (irqmode=2); it unloads and
 * loads again; an ext2 filesystem made on its memory-backed disk is
 * filled, checked clean by e2fsck and reads back after a remount; a fault
 * in it in the middle of I/O fails the requests it holds, and nothing
 * hangs.
 *
 * Needs the hypervisor: run with LVD_EXPECT=available.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_files.h"

#define IO_SIZE		4096
#define SYS_BLOCK	"/sys/block/"

static int disk_exists(const char *disk)
{
	return sys_exists(SYS_BLOCK, disk);
}

/* A number from /sys/block/@disk/@file, or -1 */
static long long disk_value(const char *disk, const char *file)
{
	return sys_value(SYS_BLOCK, disk, file);
}

/*
 * @n direct reads (or writes) of IO_SIZE bytes at queue depth 1 from
 * /dev/@disk, at offsets spread over its first MiB: how many succeeded, or
 * -errno of the first that failed.
 */
static int direct_io(const char *disk, int n, int write)
{
	char path[64];
	void *buf;
	int fd, i, done = 0;
	ssize_t r;

	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return -errno;
	if (posix_memalign(&buf, IO_SIZE, IO_SIZE)) {
		close(fd);
		return -ENOMEM;
	}
	memset(buf, 0x5a, IO_SIZE);
	for (i = 0; i < n; i++) {
		off_t off = (off_t)(i % 256) * IO_SIZE;

		r = write ? pwrite(fd, buf, IO_SIZE, off) :
			    pread(fd, buf, IO_SIZE, off);
		if (r != IO_SIZE) {
			done = r < 0 ? -errno : -EIO;
			break;
		}
		done++;
	}
	free(buf);
	close(fd);
	return done;
}

/* @tasks processes each doing @n direct reads: how many of them did all */
static int direct_io_tasks(const char *disk, int tasks, int n)
{
	int i, status, ok = 0;

	for (i = 0; i < tasks; i++)
		if (!fork())
			_exit(direct_io(disk, n, i & 1) == n ? 0 : 1);
	for (i = 0; i < tasks; i++)
		if (wait(&status) > 0 && WIFEXITED(status) &&
		    !WEXITSTATUS(status))
			ok++;
	return ok;
}

static int load(const char *params)
{
	char cmd[256];

	if (loaded("null_blk") && system("rmmod null_blk"))
		return -1;
	snprintf(cmd, sizeof(cmd), "modprobe null_blk %s", params);
	return system(cmd);
}

FIXTURE(blk) {
	char buf[256];
};

FIXTURE_SETUP(blk)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load(""));
}

FIXTURE_TEARDOWN(blk)
{
	if (loaded("null_blk"))
		system("rmmod null_blk");
}

/* Isolated in a domain of its own, with its disk of the default size */
TEST_F(blk, null_blk_loads_isolated_with_its_disk)
{
	ASSERT_TRUE(logged("lvd: null_blk: isolated in domain"));
	ASSERT_TRUE(logged("null_blk: disk nullb0 created"));
	ASSERT_TRUE(disk_exists("nullb0"));
	ASSERT_FALSE(disk_exists("nullb1"));
	/* 250 GiB, gb's default, in 512-byte sectors */
	ASSERT_EQ(250LL << 21, disk_value("nullb0", "size"));
	ASSERT_EQ(512, disk_value("nullb0", "queue/logical_block_size"));
}

/*
 * Direct I/O at queue depth 1 in each completion mode: inline in queue_rq
 * (0), through the block softirq and its complete (1), from an hrtimer
 * armed in queue_rq (2). Every request ends, with success.
 */
TEST_F(blk, direct_io_in_each_irqmode)
{
	static const char *const modes[] = {
		"irqmode=0", "irqmode=1", "irqmode=2 completion_nsec=20000",
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, load(modes[i])) TH_LOG("%s", modes[i]);
		ASSERT_EQ(64, direct_io("nullb0", 64, 0)) TH_LOG("%s", modes[i]);
		ASSERT_EQ(64, direct_io("nullb0", 64, 1)) TH_LOG("%s", modes[i]);
	}
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
}

/* Several tasks at once, on several hardware queues */
TEST_F(blk, direct_io_from_several_tasks)
{
	ASSERT_EQ(0, load("submit_queues=2 hw_queue_depth=16 irqmode=1"));
	ASSERT_EQ(4, direct_io_tasks("nullb0", 4, 50));
	ASSERT_EQ(0, load("submit_queues=2 irqmode=2 completion_nsec=50000"));
	ASSERT_EQ(4, direct_io_tasks("nullb0", 4, 50));
	ASSERT_FALSE(logged("refused"));
}

/*
 * Module parameters, of the kernel's types and of its own (irqmode,
 * queue_mode: parsed by its code, in the domain); a value its own
 * parser refuses fails the load and says which.
 */
TEST_F(blk, module_parameters)
{
	ASSERT_EQ(0, load("nr_devices=2 gb=1 bs=4096 irqmode=0"));
	ASSERT_TRUE(disk_exists("nullb0"));
	ASSERT_TRUE(disk_exists("nullb1"));
	ASSERT_EQ(1LL << 21, disk_value("nullb1", "size"));
	ASSERT_EQ(4096, disk_value("nullb1", "queue/logical_block_size"));
	ASSERT_EQ(16, direct_io("nullb1", 16, 0));
	ASSERT_NE(0, load("irqmode=7"));
	ASSERT_TRUE(logged("parameter irqmode: its value is refused"));
	ASSERT_FALSE(loaded("null_blk"));
	/* Its own checks run in its init: the legacy path is gone */
	ASSERT_NE(0, load("queue_mode=1"));
	ASSERT_TRUE(logged("null_blk: legacy IO path is no longer available"));
	ASSERT_FALSE(loaded("null_blk"));
	ASSERT_EQ(0, load(""));
	ASSERT_EQ(8, direct_io("nullb0", 8, 0));
}

/* The byte at @off of the test pattern of @seed */
static unsigned char pattern(off_t off, unsigned int seed)
{
	return (unsigned char)((off >> 9) * 31 + (off & 511) * 7 + seed);
}

/*
 * Write @size bytes of pattern @seed to /dev/@disk in @chunk-byte pieces
 * (O_DIRECT when @direct; otherwise through the page cache, synced and
 * dropped), read them back the same way and compare: 0 when every byte
 * read back is the one written, else -1.
 */
static int pattern_reads_back(const char *disk, size_t size, size_t chunk,
			      int direct, unsigned int seed)
{
	unsigned char *buf;
	char path[64];
	size_t i, off;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/dev/%s", disk);
	if (posix_memalign((void **)&buf, IO_SIZE, chunk))
		return -1;
	fd = open(path, O_RDWR | (direct ? O_DIRECT : 0));
	for (off = 0; fd >= 0 && !ret && off < size; off += chunk) {
		for (i = 0; i < chunk; i++)
			buf[i] = pattern(off + i, seed);
		if (pwrite(fd, buf, chunk, off) != (ssize_t)chunk)
			ret = -1;
	}
	if (fd < 0 || fsync(fd))
		ret = -1;
	if (fd >= 0)
		close(fd);
	if (!direct && write_text("/proc/sys/vm/drop_caches", "3"))
		ret = -1;
	fd = open(path, O_RDONLY | (direct ? O_DIRECT : 0));
	for (off = 0; fd >= 0 && !ret && off < size; off += chunk) {
		if (pread(fd, buf, chunk, off) != (ssize_t)chunk)
			ret = -1;
		for (i = 0; !ret && i < chunk; i++)
			if (buf[i] != pattern(off + i, seed))
				ret = -1;
	}
	if (fd < 0)
		ret = -1;
	else
		close(fd);
	free(buf);
	return ret;
}

/* Whether IO_SIZE bytes at @off of /dev/@disk read as zeros */
static int reads_zeros(const char *disk, off_t off)
{
	unsigned char *buf;
	char path[64];
	int fd, i, zeros = -1;

	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, IO_SIZE, IO_SIZE))
		return -1;
	memset(buf, 0xff, IO_SIZE);
	if (pread(fd, buf, IO_SIZE, off) == IO_SIZE)
		for (zeros = 1, i = 0; i < IO_SIZE; i++)
			zeros &= !buf[i];
	close(fd);
	free(buf);
	return zeros;
}

/*
 * memory_backed=1: null_blk keeps the data in pages of its domain's own,
 * in radix trees the kernel shadows; each request's data reaches it
 * through the request's bounce pages. A pattern written reads back the
 * same in each irqmode, in 4 KiB and 64 KiB direct I/O and through the
 * page cache; unwritten sectors read as zeros.
 */
TEST_F(blk, memory_backed_data_reads_back)
{
	static const char *const modes[] = {
		"irqmode=0", "irqmode=1", "irqmode=2 completion_nsec=20000",
	};
	char params[128];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		snprintf(params, sizeof(params),
			 "memory_backed=1 gb=1 nr_devices=2 %s", modes[i]);
		ASSERT_EQ(0, load(params)) TH_LOG("%s", params);
		ASSERT_EQ(0, pattern_reads_back("nullb0", 256 << 10, IO_SIZE, 1, i))
			TH_LOG("%s: 4 KiB direct", params);
		ASSERT_EQ(0, pattern_reads_back("nullb1", 256 << 10, 64 << 10, 1, i + 7))
			TH_LOG("%s: 64 KiB direct", params);
		ASSERT_EQ(0, pattern_reads_back("nullb0", 512 << 10, 64 << 10, 0, i + 3))
			TH_LOG("%s: page cache", params);
		ASSERT_EQ(1, reads_zeros("nullb0", 8 << 20)) TH_LOG("%s", params);
	}
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_FALSE(logged("not supported"));
}

#define CFS		"/sys/kernel/config/"

/* configfs mounted, with null_blk's subsystem in it: 0 */
static int cfs_ready(void)
{
	if (access(CFS "nullb", F_OK))
		mount("none", CFS, "configfs", 0, NULL);
	return access(CFS "nullb", F_OK);
}

/* Write @value to attribute @attr of configfs item @item: 0 or -errno */
static int cfs_set(const char *item, const char *attr, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), CFS "%s/%s", item, attr);
	return write_text(path, value);
}

/*
 * Read attribute @attr of configfs item @item, NUL-terminated, in one
 * read: its length or -errno
 */
static int cfs_get(const char *item, const char *attr, char *buf, size_t size)
{
	char path[128];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), CFS "%s/%s", item, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		len = -errno;
	else
		buf[len] = '\0';
	close(fd);
	return len;
}

/* mkdir and rmdir of configfs item @item: 0 or -errno */
static int cfs_mkdir(const char *item)
{
	char path[128];

	snprintf(path, sizeof(path), CFS "%s", item);
	return mkdir(path, 0755) ? -errno : 0;
}

static int cfs_rmdir(const char *item)
{
	char path[128];

	snprintf(path, sizeof(path), CFS "%s", item);
	return rmdir(path) ? -errno : 0;
}

/*
 * Make null_blk's configfs device nullb/@name: memory-backed, 16 MiB in
 * blocks of @bs bytes, completing in irqmode @irqmode; then power it on.
 * 0, or the -errno of the step that failed.
 */
static int cfs_device(const char *name, const char *bs, const char *irqmode)
{
	char item[64];

	snprintf(item, sizeof(item), "nullb/%s", name);
	return cfs_mkdir(item) ?: cfs_set(item, "size", "16") ?:
	       cfs_set(item, "blocksize", bs) ?:
	       cfs_set(item, "memory_backed", "1") ?:
	       cfs_set(item, "irqmode", irqmode) ?:
	       cfs_set(item, "completion_nsec", "20000") ?:
	       cfs_set(item, "power", "1");
}

/*
 * A device made through configfs (null_blk loaded with nr_devices=0):
 * its attributes are null_blk's own, shown and stored by its code in its
 * domain, through the kernel's configfs tree; powered on, it is a disk
 * named after its directory with the size and block size set; data
 * written reads back; powered off, the disk goes; rmdir removes it. The
 * subsystem's own attribute (features) reads.
 */
TEST_F(blk, configfs_device_made_used_and_removed)
{
	char buf[1024];

	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_FALSE(disk_exists("nullb0"));
	ASSERT_LT(0, cfs_get("nullb", "features", buf, sizeof(buf)));
	ASSERT_NE(NULL, strstr(buf, "memory_backed,"));
	ASSERT_EQ(0, cfs_device("lvdc0", "4096", "1"));
	ASSERT_TRUE(disk_exists("lvdc0"));
	ASSERT_EQ(16LL << 11, disk_value("lvdc0", "size"));
	ASSERT_EQ(4096, disk_value("lvdc0", "queue/logical_block_size"));
	ASSERT_EQ(2, cfs_get("nullb/lvdc0", "power", buf, sizeof(buf)));
	ASSERT_STREQ("1\n", buf);
	ASSERT_LT(0, cfs_get("nullb/lvdc0", "size", buf, sizeof(buf)));
	ASSERT_STREQ("16\n", buf);
	ASSERT_EQ(0, pattern_reads_back("lvdc0", 256 << 10, IO_SIZE, 1, 11));
	ASSERT_EQ(0, pattern_reads_back("lvdc0", 256 << 10, 64 << 10, 1, 12));
	ASSERT_EQ(0, cfs_set("nullb/lvdc0", "power", "0"));
	ASSERT_FALSE(disk_exists("lvdc0"));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
	ASSERT_NE(0, access(CFS "nullb/lvdc0", F_OK));
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod null_blk"));
}

/*
 * Two configfs devices at once, in two irqmodes, each with its own data;
 * rmdir of each while it is powered on takes its disk down.
 */
TEST_F(blk, two_configfs_devices_and_rmdir_while_powered)
{
	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, cfs_device("lvdc0", "512", "0"));
	ASSERT_EQ(0, cfs_device("lvdc1", "4096", "2"));
	ASSERT_TRUE(disk_exists("lvdc0"));
	ASSERT_TRUE(disk_exists("lvdc1"));
	ASSERT_EQ(0, pattern_reads_back("lvdc0", 128 << 10, IO_SIZE, 1, 21));
	ASSERT_EQ(0, pattern_reads_back("lvdc1", 128 << 10, IO_SIZE, 1, 22));
	ASSERT_EQ(0, pattern_reads_back("lvdc0", 128 << 10, IO_SIZE, 1, 21));
	/* A second directory of the same name is refused by null_blk */
	ASSERT_EQ(-EEXIST, cfs_mkdir("nullb/lvdc0"));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
	ASSERT_FALSE(disk_exists("lvdc0"));
	ASSERT_TRUE(disk_exists("lvdc1"));
	ASSERT_EQ(0, pattern_reads_back("lvdc1", 128 << 10, IO_SIZE, 1, 23));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc1"));
	ASSERT_FALSE(disk_exists("lvdc1"));
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod null_blk"));
}

/*
 * Values null_blk's own store refuses fail the write with its error: not
 * a number, a boolean that is not one, a setting changed while powered
 * on (EBUSY); its power-on check refuses the legacy queue mode. irqmode
 * is not checked by its store (clamped at power-on, as in the kernel).
 */
TEST_F(blk, configfs_bad_values_refused_by_its_store)
{
	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, cfs_mkdir("nullb/lvdc0"));
	ASSERT_EQ(-EINVAL, cfs_set("nullb/lvdc0", "size", "lots"));
	ASSERT_EQ(-EINVAL, cfs_set("nullb/lvdc0", "memory_backed", "maybe"));
	ASSERT_EQ(0, cfs_set("nullb/lvdc0", "queue_mode", "1"));
	ASSERT_EQ(-EINVAL, cfs_set("nullb/lvdc0", "power", "1"));
	ASSERT_TRUE(logged("null_blk: legacy IO path is no longer available"));
	ASSERT_FALSE(disk_exists("lvdc0"));
	ASSERT_EQ(0, cfs_set("nullb/lvdc0", "queue_mode", "2"));
	ASSERT_EQ(0, cfs_set("nullb/lvdc0", "irqmode", "7"));
	ASSERT_EQ(0, cfs_set("nullb/lvdc0", "power", "1"));
	ASSERT_EQ(-EBUSY, cfs_set("nullb/lvdc0", "size", "32"));
	ASSERT_EQ(8, direct_io("lvdc0", 8, 1));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, system("rmmod null_blk"));
}

/*
 * A configfs device pins null_blk, as in the kernel: rmmod fails and the
 * device works on; after rmdir it unloads. A fault in it with a device
 * configured: its attributes fail to read and write, rmdir still removes
 * the directory, rmmod removes its disk, and a fresh load makes devices.
 */
TEST_F(blk, configfs_device_pins_the_driver_and_survives_a_fault)
{
	char buf[64];

	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, cfs_device("lvdc0", "512", "1"));
	ASSERT_NE(0, system("rmmod null_blk 2> /dev/null"));
	ASSERT_TRUE(loaded("null_blk"));
	ASSERT_EQ(8, direct_io("lvdc0", 8, 1));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
	ASSERT_EQ(0, system("rmmod null_blk"));

	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, cfs_device("lvdc0", "512", "1"));
	ASSERT_EQ(0, system("modprobe lvd_test_hv"));
	ASSERT_EQ(0, write_text("/sys/kernel/debug/lvd_test/stop_module",
				"null_blk"));
	ASSERT_GT(0, cfs_get("nullb/lvdc0", "size", buf, sizeof(buf)));
	ASSERT_GT(0, cfs_set("nullb/lvdc0", "power", "0"));
	ASSERT_GT(0, direct_io("lvdc0", 1, 0));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
	ASSERT_EQ(0, system("rmmod null_blk"));
	ASSERT_FALSE(disk_exists("lvdc0"));
	ASSERT_EQ(0, load("nr_devices=0"));
	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, cfs_device("lvdc0", "512", "0"));
	ASSERT_EQ(8, direct_io("lvdc0", 8, 1));
	ASSERT_EQ(0, cfs_rmdir("nullb/lvdc0"));
}

/*
 * The filesystem test's tree: FS_DIRS directories of FS_FILES files each,
 * of sizes from 1 byte to 52 KiB (odd ones too), 300 KiB or so in all.
 */
#define FS_MNT		"/tmp/lvd_fs"
#define FS_KBYTES	"8192"
#define FS_DIRS		4
#define FS_FILES	6

static size_t fs_file_size(int dir, int file)
{
	static const size_t sizes[FS_FILES] = {
		1, 511, 4096, 12345, 40000, 53248,
	};

	return sizes[(dir + file) % FS_FILES];
}

static void fs_file_path(char *path, size_t size, int dir, int file)
{
	snprintf(path, size, FS_MNT "/d%d/f%d", dir, file);
}

/*
 * Make the tree in FS_MNT, each file's content pattern() of a seed of its
 * own (@verify 0), or compare each file with what it was made with
 * (@verify 1): 0 when all went well, else -1 (and which file, logged).
 */
static int fs_tree(struct __test_metadata *_metadata, int verify)
{
	unsigned char *buf = malloc(64 << 10);
	char path[64];
	int dir, file, fd, ret = 0;
	size_t size, i;

	for (dir = 0; buf && !ret && dir < FS_DIRS; dir++) {
		snprintf(path, sizeof(path), FS_MNT "/d%d", dir);
		if (!verify && mkdir(path, 0755))
			ret = -1;
		for (file = 0; !ret && file < FS_FILES; file++) {
			unsigned int seed = dir * FS_FILES + file;

			size = fs_file_size(dir, file);
			fs_file_path(path, sizeof(path), dir, file);
			fd = verify ? open(path, O_RDONLY) :
				      open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			for (i = 0; !verify && i < size; i++)
				buf[i] = pattern(i, seed);
			if (fd < 0 ||
			    (!verify && write(fd, buf, size) != (ssize_t)size) ||
			    (verify && read(fd, buf, size + 1) != (ssize_t)size))
				ret = -1;
			for (i = 0; verify && !ret && i < size; i++)
				if (buf[i] != pattern(i, seed))
					ret = -1;
			if (fd >= 0 && close(fd))
				ret = -1;
			if (ret)
				TH_LOG("%s: %s", path, verify ? "differs" : "not written");
		}
	}
	free(buf);
	return buf ? ret : -1;
}

/* e2fsck -fn of /dev/@disk, caches dropped: its status (and output if not 0) */
static int fs_check(struct __test_metadata *_metadata, const char *disk)
{
	char cmd[128], out[4096];
	int status;

	if (write_text("/proc/sys/vm/drop_caches", "3"))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "e2fsck -fn /dev/%s > /tmp/lvd_e2fsck.log 2>&1", disk);
	status = system(cmd);
	if (status) {
		read_text("/tmp/lvd_e2fsck.log", out, sizeof(out));
		TH_LOG("e2fsck -fn /dev/%s: status %d:\n%s", disk, status, out);
	}
	return status;
}

/*
 * An ext2 filesystem on isolated null_blk (memory_backed=1): made with
 * mke2fs (8 MiB of a 1 GiB disk), mounted, filled with directories and
 * files of known content, synced and unmounted; e2fsck -f finds it clean;
 * mounted again, every file reads back as written. In irqmode 1 and 2.
 * e2fsck is in the test initramfs: without it this test fails.
 */
TEST_F_TIMEOUT(blk, ext2_made_filled_checked_and_remounted, 300)
{
	static const char *const modes[] = {
		"irqmode=1", "irqmode=2 completion_nsec=20000",
	};
	char params[128];
	unsigned int i;

	mkdir(FS_MNT, 0755);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		snprintf(params, sizeof(params), "memory_backed=1 gb=1 %s",
			 modes[i]);
		ASSERT_EQ(0, load(params)) TH_LOG("%s", params);
		ASSERT_EQ(0, system("mke2fs -F -I 256 /dev/nullb0 " FS_KBYTES
				    " > /dev/null 2>&1")) TH_LOG("%s", params);
		ASSERT_EQ(0, mount("/dev/nullb0", FS_MNT, "ext2", 0, NULL))
			TH_LOG("%s: %s", params, strerror(errno));
		EXPECT_EQ(0, fs_tree(_metadata, 0)) TH_LOG("%s", params);
		sync();
		ASSERT_EQ(0, umount(FS_MNT)) TH_LOG("%s", params);
		ASSERT_EQ(0, fs_check(_metadata, "nullb0")) TH_LOG("%s", params);
		ASSERT_EQ(0, mount("/dev/nullb0", FS_MNT, "ext2", 0, NULL))
			TH_LOG("%s: %s", params, strerror(errno));
		EXPECT_EQ(0, fs_tree(_metadata, 1)) TH_LOG("%s", params);
		ASSERT_EQ(0, umount(FS_MNT)) TH_LOG("%s", params);
		ASSERT_EQ(0, system("rmmod null_blk")) TH_LOG("%s", params);
	}
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_FALSE(logged("EXT2-fs error"));
}

/* lvd_test_hv's count of bytes copied into domains (or out of them), or -1 */
static long long copied(int to_domain)
{
	char buf[32];

	if (read_text(to_domain ? "/sys/kernel/debug/lvd_test/copied_to_domains" :
		      "/sys/kernel/debug/lvd_test/copied_from_domains",
		      buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

/*
 * The bytes the kernel copies into domains and out of them, make bench's
 * figure, count a memory-backed request's data: 64 KiB written directly
 * are 64 KiB more into the domain, 64 KiB read are 64 KiB more out of it.
 */
TEST_F(blk, bytes_copied_count_request_data)
{
	long long to, from;

	ASSERT_EQ(0, system("modprobe lvd_test_hv"));
	ASSERT_EQ(0, load("memory_backed=1 gb=1 irqmode=0"));
	to = copied(1);
	from = copied(0);
	ASSERT_LE(0, to);
	ASSERT_LE(0, from);
	ASSERT_EQ(16, direct_io("nullb0", 16, 1));
	ASSERT_LE(to + (16 << 12), copied(1));
	to = copied(1);
	ASSERT_EQ(16, direct_io("nullb0", 16, 0));
	ASSERT_LE(from + (16 << 12), copied(0));
	/* Reads copy no data into it: only the requests' projections */
	ASSERT_GT(to + (16 << 12), copied(1));
}

/* rmmod and modprobe ten times: each time a working disk, nothing left */
TEST_F(blk, unloads_and_loads_again)
{
	int i;

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, system("rmmod null_blk"));
		ASSERT_FALSE(disk_exists("nullb0"));
		ASSERT_EQ(0, system("modprobe null_blk"));
		ASSERT_EQ(4, direct_io("nullb0", 4, 0));
	}
}

/*
 * A fault in the driver in the middle of I/O (its domain stopped from the
 * kernel, as an invalid opcode would): each request it holds fails, no
 * task stays stuck, the kernel lives, rmmod removes its disk although its
 * exit function cannot run, and a fresh load works.
 */
TEST_F(blk, fault_mid_io_is_contained)
{
	int i, status, failed = 0;

	/* Requests wait 2 ms in its hrtimers: many are held at the fault */
	ASSERT_EQ(0, load("irqmode=2 completion_nsec=2000000 submit_queues=2"));
	ASSERT_EQ(0, system("modprobe lvd_test_hv"));
	for (i = 0; i < 4; i++)
		if (!fork())
			_exit(direct_io("nullb0", 100000, i & 1) == 100000 ? 0 : 1);
	usleep(300 * 1000);
	ASSERT_EQ(0, write_text("/sys/kernel/debug/lvd_test/stop_module",
				"null_blk"));
	for (i = 0; i < 4; i++) {
		ASSERT_LT(0, wait(&status));
		if (WIFEXITED(status) && WEXITSTATUS(status))
			failed++;
	}
	/* Every task ended, each with an I/O error */
	ASSERT_EQ(4, failed);
	ASSERT_TRUE(logged("(null_blk) stopped: vector 6"));
	ASSERT_GT(0, direct_io("nullb0", 1, 0));
	ASSERT_EQ(0, system("rmmod null_blk"));
	ASSERT_FALSE(disk_exists("nullb0"));
	ASSERT_EQ(0, system("modprobe null_blk"));
	ASSERT_EQ(16, direct_io("nullb0", 16, 0));
	ASSERT_EQ(16, direct_io("nullb0", 16, 1));
}

/* lvd_test_blk with attack=@attack: the modprobe's status */
static int load_attacker(int attack)
{
	char cmd[64];

	if (loaded("lvd_test_blk") && system("rmmod lvd_test_blk"))
		return -1;
	snprintf(cmd, sizeof(cmd), "modprobe lvd_test_blk attack=%d", attack);
	return system(cmd);
}

/*
 * A block driver attacking the kernel through its glue, in its queue_rq
 * (lvd_test_blk, isolated): ending or completing a request twice,
 * starting it twice, ending forged requests (a kernel address, inside a
 * shadow, NULL, its tag set) or a stale one, accepting a request it never
 * starts, ending one and then failing it. Each misuse is refused, named
 * in the log, and the I/O ends as the kernel's rules say; the kernel
 * lives and null_blk, next to it, works.
 */
#define TB		"lvd_test_blk: "
#define NOT_HELD	" of a request it does not hold refused"

TEST_F(blk, misuse_of_requests_is_refused)
{
	static const struct {
		int attack, io;
		const char *logged;
	} cases[] = {
		{ 0, 4, NULL },
		{ 1, 4, TB "blk_mq_end_request()" NOT_HELD },
		{ 2, 4, TB "blk_mq_complete_request()" NOT_HELD },
		{ 3, 4, TB "blk_mq_start_request()" NOT_HELD },
		{ 4, 4, TB "blk_mq_end_request()" NOT_HELD },
		{ 5, 4, TB "blk_mq_end_request()" NOT_HELD },
		{ 6, -EIO, TB "queue_rq accepted a request it did not start" },
		{ 7, 4, NULL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, system("dmesg -c > /dev/null"));
		ASSERT_EQ(0, load_attacker(cases[i].attack))
			TH_LOG("attack %d", cases[i].attack);
		EXPECT_EQ(cases[i].io, direct_io("lvdtb0", 4, 0))
			TH_LOG("attack %d", cases[i].attack);
		if (cases[i].logged) {
			EXPECT_TRUE(logged(cases[i].logged))
				TH_LOG("attack %d", cases[i].attack);
		} else {
			EXPECT_FALSE(logged("refused"))
				TH_LOG("attack %d", cases[i].attack);
		}
		EXPECT_FALSE(logged("stopped")) TH_LOG("attack %d", cases[i].attack);
		ASSERT_EQ(0, system("rmmod lvd_test_blk"));
		ASSERT_FALSE(disk_exists("lvdtb0"));
		ASSERT_EQ(4, direct_io("nullb0", 4, 0));
	}
}

/*
 * The watch the glue page's deferring routines read is the driver's own
 * per-CPU memory: a driver that forges its completion function there, to
 * a kernel address, sends its own blk_mq_complete_request() there, in its
 * domain, which stops with a page fault at the first read (the kernel's,
 * as the disk is added), and the load fails. Nothing is left, the kernel
 * goes on and a good load works after.
 */
TEST_F(blk, forged_watch_stops_only_the_driver)
{
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_NE(0, load_attacker(16));
	ASSERT_TRUE(logged("(lvd_test_blk) stopped: vector 14"));
	ASSERT_FALSE(loaded("lvd_test_blk"));
	ASSERT_FALSE(disk_exists("lvdtb0"));
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, load_attacker(0));
	ASSERT_EQ(4, direct_io("lvdtb0", 4, 0));
	ASSERT_EQ(0, system("rmmod lvd_test_blk"));
	ASSERT_EQ(4, direct_io("nullb0", 4, 0));
	ASSERT_FALSE(logged("stopped"));
}

/* After refused loads: no module, no disk, no stop; a good load works */
static void nothing_left_and_a_good_load_works(struct __test_metadata *_metadata)
{
	ASSERT_FALSE(loaded("lvd_test_blk"));
	ASSERT_FALSE(disk_exists("lvdtb0"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, load_attacker(0));
	ASSERT_EQ(4, direct_io("lvdtb0", 4, 0));
	ASSERT_EQ(0, system("rmmod lvd_test_blk"));
}

/*
 * Projections that name what is not the driver's: a forged tag set to
 * free, a fixed block major, block_device_operations at a kernel address,
 * a disk with another driver's major, blk_mq_ops at a kernel address.
 * Each is refused and fails the load, said in the log; nothing is left.
 */
TEST_F(blk, forged_projections_are_refused)
{
	ASSERT_NE(0, load_attacker(8));
	ASSERT_TRUE(logged(TB "blk_mq_free_tag_set() of no tag set of its refused"));
	ASSERT_TRUE(logged(TB "register_blkdev() with a fixed major or a probe refused"));
	ASSERT_NE(0, load_attacker(9));
	ASSERT_TRUE(logged(TB "a disk with a major not its own, bad minors or a bad name"));
	ASSERT_NE(0, load_attacker(10));
	nothing_left_and_a_good_load_works(_metadata);
}

/*
 * Projected fields out of bounds, each refused by the checks generated
 * from the glue's descriptions (lvd_blk_set.lvd, lvd_blk_disk.lvd),
 * naming the field: too many hardware queues, a tag-set flag the glue
 * does not take, too many minors, a zoned device's queue limits. Each
 * fails the load and leaves nothing; a good load works after.
 */
TEST_F(blk, projected_fields_out_of_bounds_are_refused)
{
	ASSERT_NE(0, load_attacker(12));
	ASSERT_TRUE(logged(TB "a tag set the glue does not take: its nr_hw_queues"));
	ASSERT_NE(0, load_attacker(13));
	ASSERT_TRUE(logged(TB "a tag set the glue does not take: its flags"));
	ASSERT_NE(0, load_attacker(14));
	ASSERT_TRUE(logged(TB "a disk with bad minors refused"));
	ASSERT_NE(0, load_attacker(15));
	ASSERT_TRUE(logged(TB "queue limits not supported for isolated drivers yet: features"));
	nothing_left_and_a_good_load_works(_metadata);
}

/*
 * configfs of a driver attacking through it (lvd_test_blk attack=11):
 * make_group returning a kernel address, its subsystem's group, or a
 * group the kernel shadows already is refused and the mkdir fails; an
 * attribute's show of more than a page and a store of more than it was
 * given fail. The kernel lives, null_blk next to it works, and the
 * driver unloads once its one good directory is gone.
 */
TEST_F(blk, configfs_misuse_is_refused)
{
	char buf[64];

	ASSERT_EQ(0, cfs_ready());
	ASSERT_EQ(0, load_attacker(11));
	ASSERT_EQ(-EINVAL, cfs_mkdir("lvdtb/kernel"));
	ASSERT_EQ(-EINVAL, cfs_mkdir("lvdtb/sub"));
	ASSERT_TRUE(logged(TB "configfs make_group() returned a group that is not"));
	ASSERT_EQ(0, cfs_mkdir("lvdtb/a"));
	ASSERT_EQ(-EINVAL, cfs_mkdir("lvdtb/b"));
	ASSERT_EQ(-EIO, cfs_get("lvdtb/a", "big", buf, sizeof(buf)));
	ASSERT_TRUE(logged(TB "configfs big: show of more than a page refused"));
	ASSERT_EQ(-EIO, cfs_set("lvdtb/a", "over", "1"));
	ASSERT_TRUE(logged(TB "configfs over: store of more than it was given refused"));
	ASSERT_FALSE(logged("stopped"));
	ASSERT_EQ(0, cfs_rmdir("lvdtb/a"));
	ASSERT_EQ(0, system("rmmod lvd_test_blk"));
	ASSERT_NE(0, access(CFS "lvdtb", F_OK));
	ASSERT_EQ(4, direct_io("nullb0", 4, 0));
}

TEST_HARNESS_MAIN
