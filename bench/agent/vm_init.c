#include "vm_init.h"

#define VM_INIT_ARGS_MAX 16

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "guest_modules_load.h"
#include "tasks.h"

int cmdline_value(const char *cmdline, const char *key, char *out, unsigned outsz)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key)) != NULL) {
		if (p == cmdline || p[-1] == ' ') {
			const char *v = p + klen;
			size_t n = strcspn(v, " \n");

			if (n >= outsz)
				return -1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p += klen;
	}
	return -1;
}

static __attribute__((noreturn)) void power_off(void)
{
	/* write() to the console returns once the bytes are in the tty's
	 * buffer, and the emulated UART sends them out later: powering off
	 * now would cut the last records (the probe's end) mid-line. */
	tcdrain(1);
	sync();
	reboot(RB_POWER_OFF);
	/* Only reached when reboot() is refused: PID 1 must not exit, or the
	 * kernel panics and the harness would wait for a timeout instead. */
	for (;;)
		pause();
}

void vm_init_main(void)
{
	char cmdline[2048] = "";
	char task[64] = "";
	char hostname[65] = "";
	char modules[256] = "";
	static char args[VM_INIT_ARGS_MAX][64];
	static char *argv[VM_INIT_ARGS_MAX + 1];
	struct task_ctx ctx = { .out = 1, .in = 0 };
	int fd;

	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL);
	/* What the memory task reads of the guest kernel (huge pages). */
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	/* The kernel opens the console for /init only if /dev/console was in
	 * the initramfs; open it here otherwise. */
	if (fcntl(1, F_GETFD) < 0 && (fd = open("/dev/console", O_RDWR | O_NOCTTY)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
		cmdline[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (cmdline_value(cmdline, BENCH_CMDLINE_TASK, task, sizeof(task)) != 0) {
		emit_error(1, "no bench.task= on the kernel command line");
		power_off();
	}
	if (cmdline_value(cmdline, BENCH_CMDLINE_HOSTNAME, hostname, sizeof(hostname)) == 0)
		sethostname(hostname, strlen(hostname));
	/* The drivers of the guest's devices, before the task that uses them
	 * (timed: READY's modules_ns). */
	if (cmdline_value(cmdline, BENCH_CMDLINE_MODULES, modules, sizeof(modules)) == 0) {
		char msg[200];

		if (guest_modules_load(modules, msg, sizeof(msg)) != 0) {
			emit_error(1, msg);
			power_off();
		}
	}
	/* The task's arguments: bench.arg0=, bench.arg1=, ... in order. */
	for (int i = 0; i < VM_INIT_ARGS_MAX; i++) {
		char key[32];

		snprintf(key, sizeof(key), BENCH_CMDLINE_ARG "%d=", i);
		if (cmdline_value(cmdline, key, args[i], sizeof(args[i])) != 0)
			break;
		argv[i] = args[i];
		ctx.argc = i + 1;
	}
	ctx.argv = argv;
	task_run(task, &ctx);
	power_off();
}
