/* Working out the cgroup layout from mountinfo: v1, v2, hybrid, none. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../container/cgroup.h"

#define ALL4 ((1u << CG_CPU) | (1u << CG_CPUSET) | (1u << CG_MEMORY) | (1u << CG_PIDS))

/* As recorded on these machines: v1 controllers, a v2 mount without any. */
static const char hybrid[] =
	"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* A systemd host with the unified hierarchy (Debian 11 and later). */
static const char pure_v2[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
	"26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";

/* Older distributions: cpu and cpuacct co-mounted, with optional fields. */
static const char pure_v1[] =
	"25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
	"28 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 master:3 - cgroup cgroup rw,cpu,cpuacct\n"
	"29 25 0:25 / /sys/fs/cgroup/cpuset rw,nosuid shared:11 - cgroup cgroup rw,cpuset\n"
	"30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory\n"
	"31 25 0:27 / /sys/fs/cgroup/pids rw,nosuid shared:13 - cgroup cgroup rw,pids\n";

Test(cgroup_layout, hybrid_uses_v1_controllers)
{
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(hybrid, "", &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.version, 1);
	cr_assert_eq(l.available, ALL4);
	cr_assert_str_eq(l.v1_mount[CG_MEMORY], "/sys/fs/cgroup/memory");
	cr_assert_str_eq(l.v1_mount[CG_CPU], "/sys/fs/cgroup/cpu");
	cr_assert_str_eq(l.v2_mount, "/sys/fs/cgroup/unified");
	cr_assert(strstr(cg_layout_describe(&l), "hybrid"));
}

Test(cgroup_layout, pure_v2_takes_controllers_from_the_root)
{
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(pure_v2, "cpuset cpu io memory hugetlb pids rdma misc\n", &l, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(l.version, 2);
	cr_assert_str_eq(l.v2_mount, "/sys/fs/cgroup");
	cr_assert_eq(l.available, ALL4);
	cr_assert_str_eq(cg_layout_describe(&l), "v2");
}

/* cgroup.controllers as the kernel writes it: space-separated, newline at
 * the end.  Each controller bench needs is put last in turn, since the last
 * word is the one the newline sticks to. */
Test(cgroup_layout, pure_v2_finds_every_controller_in_last_place)
{
	static const char *const others = "io hugetlb rdma misc";
	static const char *const needed[] = { "cpu", "cpuset", "memory", "pids" };

	for (size_t last = 0; last < 4; last++) {
		char controllers[256];
		size_t n = (size_t)snprintf(controllers, sizeof(controllers), "%s", others);
		struct cg_layout l;
		bench_error err = { 0 };

		for (size_t i = 0; i < 4; i++)
			if (i != last)
				n += (size_t)snprintf(controllers + n, sizeof(controllers) - n, " %s", needed[i]);
		snprintf(controllers + n, sizeof(controllers) - n, " %s\n", needed[last]);
		cr_assert_eq(cg_layout_parse(pure_v2, controllers, &l, &err), 0, "%s", err.msg);
		cr_assert_eq(l.version, 2);
		cr_assert_eq(l.available, ALL4, "'%s' lost a controller: 0x%x", controllers, l.available);
	}
	/* The file read on the 16-core pure v2 host where the runner failed. */
	{
		struct cg_layout l;
		bench_error err = { 0 };

		cr_assert_eq(cg_layout_parse(pure_v2, "cpuset cpu io memory hugetlb pids\n", &l, &err), 0);
		cr_assert_eq(l.available, ALL4);
	}
}

/* v1 mount options end at the end of the mountinfo line, which ends in a
 * newline too: a controller as the last option of the last line counts. */
Test(cgroup_layout, v1_controller_as_the_last_option_of_the_last_line)
{
	static const char v1_pids_last[] =
		"28 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpuacct,cpu\n"
		"29 25 0:25 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
		"30 25 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"31 25 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(v1_pids_last, NULL, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.version, 1);
	cr_assert_eq(l.available, ALL4);
}

Test(cgroup_layout, v2_without_a_controller_says_so)
{
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(pure_v2, "cpu io memory", &l, &err), 0);
	cr_assert_eq(l.available, (1u << CG_CPU) | (1u << CG_MEMORY));
	/* "cpuset" must not be matched inside another word, nor "cpu" in it. */
	cr_assert_eq(cg_layout_parse(pure_v2, "cpuset", &l, &err), 0);
	cr_assert_eq(l.available, 1u << CG_CPUSET);
}

Test(cgroup_layout, comounted_v1_and_optional_fields)
{
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(pure_v1, NULL, &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.version, 1);
	cr_assert_eq(l.available, ALL4);
	cr_assert_str_eq(l.v1_mount[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct");
	cr_assert_str_eq(l.v2_mount, "");
}

Test(cgroup_layout, escaped_mount_points_and_no_cgroups)
{
	static const char escaped[] = "30 25 0:26 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n";
	static const char none[] = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_layout_parse(escaped, "pids", &l, &err), 0);
	cr_assert_str_eq(l.v2_mount, "/mnt/my cgroups");
	cr_assert_eq(cg_layout_parse(none, NULL, &l, &err), -1);
	cr_assert(strstr(err.msg, "no cgroup"), "%s", err.msg);
}

Test(cgroup_layout, this_machine_is_detected)
{
	struct cg_layout l;
	bench_error err = { 0 };

	cr_assert_eq(cg_detect(&l, &err), 0, "%s", err.msg);
	cr_assert(l.version == 1 || l.version == 2);
}
