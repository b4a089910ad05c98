#include "qemu_cmdline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu_model.h"

static const char *const machine_names[] = { "pc", "q35", "microvm" };

const char *vm_machine_name(enum vm_machine m)
{
	return (unsigned)m < sizeof(machine_names) / sizeof(machine_names[0]) ? machine_names[m] : "?";
}

int vm_machine_parse(const char *s, enum vm_machine *m, bench_error *err)
{
	for (size_t i = 0; s && i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (strcmp(s, machine_names[i]) == 0) {
			*m = (enum vm_machine)i;
			return 0;
		}
	return bench_fail_usage(err, "--vm-machine: '%.40s' is not one of pc, q35, microvm", s ? s : "");
}

static bool clean(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return s != NULL;
}

/* Appends one argument built from fmt; false when it does not fit. */
static bool __attribute__((format(printf, 2, 3))) add(struct qemu_argv *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc >= QEMU_ARGV_MAX || a->used >= sizeof(a->store))
		return false;
	va_start(ap, fmt);
	n = vsnprintf(a->store + a->used, sizeof(a->store) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->store) - a->used)
		return false;
	a->argv[a->argc++] = a->store + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
	return true;
}

/* The machine option: each as the vm runner's libvirt domain has it where
 * libvirt can make it (pc, q35: no USB), and microvm as lean as it goes:
 * no option ROMs, the serial
 * port on ISA, ACPI kept for the power-off. */
static const char *machine_option(enum vm_machine m)
{
	switch (m) {
	case VM_MACHINE_Q35:
		return "q35,usb=off";
	case VM_MACHINE_MICROVM:
		return "microvm,x-option-roms=off,isa-serial=on";
	case VM_MACHINE_PC:
	default:
		return "pc,usb=off";
	}
}

int qemu_argv_build(const struct qemu_spec *spec, struct qemu_argv *a, bench_error *err)
{
	struct vm_cpu_topology t = vm_cpu_topology_of(spec->vcpus);
	bool ok = true;

	a->argc = 0;
	a->used = 0;
	a->argv[0] = NULL;
	if (spec->vcpus == 0 || spec->memory_mib == 0)
		return bench_fail(err, 0, "qemu: %s is 0", spec->vcpus == 0 ? "vcpus" : "memory");
	if (!clean(spec->name) || !clean(spec->kernel) || !clean(spec->initrd) || !clean(spec->cmdline) ||
	    !clean(spec->console_socket) || !clean(spec->qmp_socket))
		return bench_fail(err, 0, "qemu: a name, path or the command line is missing or holds a control character");
	/* Option values where ',' separates options: no comma at all (bench
	 * makes these names itself). */
	if (strchr(spec->name, ',') || strchr(spec->console_socket, ',') || strchr(spec->qmp_socket, ','))
		return bench_fail(err, 0, "qemu: a name or socket path holds a ','");

	ok = ok && add(a, "%s", QEMU_BINARY);
	ok = ok && add(a, "-name") && add(a, "%s,debug-threads=on", spec->name);
	ok = ok && add(a, "-machine") && add(a, "%s", machine_option(spec->machine));
	ok = ok && add(a, "-accel") && add(a, "%s", spec->accel == VM_ACCEL_KVM ? "kvm" : "tcg");
	ok = ok && add(a, "-cpu") && add(a, "%s", vm_cpu_model_qemu(spec->accel));
	ok = ok && add(a, "-smp") &&
	     add(a, "%u,sockets=%u,dies=1,cores=%u,threads=%u", spec->vcpus, t.sockets, t.cores, t.threads);
	ok = ok && add(a, "-m") && add(a, "%u", spec->memory_mib);
	ok = ok && add(a, "-display") && add(a, "none");
	ok = ok && add(a, "-no-user-config") && add(a, "-nodefaults");
	ok = ok && add(a, "-rtc") && add(a, "base=utc");
	/* on_reboot destroy, as the domain has it: a panic (panic=-1) ends
	 * QEMU instead of rebooting the guest. */
	ok = ok && add(a, "-no-reboot");
	ok = ok && add(a, "-kernel") && add(a, "%s", spec->kernel);
	ok = ok && add(a, "-initrd") && add(a, "%s", spec->initrd);
	ok = ok && add(a, "-append") && add(a, "%s", spec->cmdline);
	ok = ok && add(a, "-chardev") && add(a, "socket,id=console,path=%s,server=on,wait=off", spec->console_socket);
	ok = ok && add(a, "-serial") && add(a, "chardev:console");
	ok = ok && add(a, "-chardev") && add(a, "socket,id=qmp,path=%s,server=on,wait=off", spec->qmp_socket);
	ok = ok && add(a, "-mon") && add(a, "chardev=qmp,mode=control");
	ok = ok && add(a, "-S");
	if (spec->incoming)
		ok = ok && add(a, "-incoming") && add(a, "defer");
	if (!ok)
		return bench_fail(err, E2BIG, "qemu: command line");
	return 0;
}
