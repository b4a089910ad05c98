/* The calls of the syscall task, each in a tight loop between two clock
 * reads.  The kernel-entry calls go through syscall(2) so that no libc
 * caches or wraps them (getpid is never cached by musl, but glibc once
 * did, and a benchmark should not depend on it). */
#include "syscall_run.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "syscall_calls.h"

#define PROC_FILE "/proc/self/stat"

int syscall_env_open(struct syscall_env *env, char *msg, size_t msgsz)
{
	int fd;

	env->zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (env->zero_fd < 0) {
		snprintf(msg, msgsz, "syscall: cannot open /dev/zero");
		return -1;
	}
	fd = open(PROC_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msgsz, "syscall: cannot open " PROC_FILE " (is /proc mounted?)");
		close(env->zero_fd);
		env->zero_fd = -1;
		return -1;
	}
	close(fd);
	return 0;
}

void syscall_env_close(struct syscall_env *env)
{
	if (env->zero_fd >= 0)
		close(env->zero_fd);
	env->zero_fd = -1;
}

uint64_t syscall_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One loop per call, the switch outside it, so a batch times the call and
 * a counter, nothing else. */
static void run_call(const struct syscall_env *env, int call, uint64_t size)
{
	struct utsname uts;
	struct timespec ts;
	char host[256], byte;

	switch (call) {
	case SYSCALL_GETHOSTNAME:
		for (uint64_t i = 0; i < size; i++)
			gethostname(host, sizeof(host));
		break;
	case SYSCALL_UNAME:
		for (uint64_t i = 0; i < size; i++)
			syscall(SYS_uname, &uts);
		break;
	case SYSCALL_GETPID:
		for (uint64_t i = 0; i < size; i++)
			syscall(SYS_getpid);
		break;
	case SYSCALL_GETPPID:
		for (uint64_t i = 0; i < size; i++)
			syscall(SYS_getppid);
		break;
	case SYSCALL_CLOCK_GETTIME:
		for (uint64_t i = 0; i < size; i++)
			clock_gettime(CLOCK_MONOTONIC, &ts);
		break;
	case SYSCALL_READ_ZERO:
		for (uint64_t i = 0; i < size; i++)
			if (read(env->zero_fd, &byte, 1) != 1)
				break;
		break;
	case SYSCALL_OPEN_CLOSE:
		for (uint64_t i = 0; i < size; i++) {
			int fd = open(PROC_FILE, O_RDONLY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
		}
		break;
	case SYSCALL_SCHED_YIELD:
		for (uint64_t i = 0; i < size; i++)
			sched_yield();
		break;
	default:
		break;
	}
}

uint64_t syscall_time_batch(const struct syscall_env *env, int call, uint64_t size)
{
	uint64_t t0 = syscall_now_ns();

	run_call(env, call, size);
	return syscall_now_ns() - t0;
}

uint64_t syscall_calibrate(const struct syscall_env *env, int call, uint64_t target_ns)
{
	uint64_t n = 1, t = 0;

	/* Doubling until a trial lasts a tenth of the target: long enough
	 * that the clock's granularity does not skew the estimate. */
	while (n < SYSCALL_BATCH_SIZE_MAX) {
		t = syscall_time_batch(env, call, n);
		if (t >= target_ns / 10)
			break;
		n *= 2;
	}
	return syscall_batch_size_for(t, n, target_ns);
}

uint64_t syscall_clock_probe(unsigned n)
{
	struct timespec ts;
	uint64_t t0 = syscall_now_ns();

	for (unsigned i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return syscall_now_ns() - t0;
}
