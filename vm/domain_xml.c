#include "domain_xml.h"
#include "cpu_model.h"

#include <hwloc.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vm_xml_escape(const char *s, char *out, size_t outsz, size_t *len)
{
	size_t o = *len;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *ent = NULL;
		size_t n;

		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&apos;"; break;
		default:
			/* XML 1.0 has no way to hold these, not even as &#N;. */
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return -1;
			if (c == 0x7f)
				return -1;
		}
		n = ent ? strlen(ent) : 1;
		if (o + n >= outsz)
			return -1;
		if (ent)
			memcpy(out + o, ent, n);
		else
			out[o] = (char)c;
		o += n;
	}
	if (o >= outsz)
		return -1;
	out[o] = '\0';
	*len = o;
	return 0;
}

/* A growing string; any failure sticks and is reported once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
	const char *why;
};

static bool sbuf_reserve(struct sbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 2048;
		char *np;

		while (b->len + more + 1 > cap)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->failed = true;
			b->why = "out of memory";
			return false;
		}
		b->p = np;
		b->cap = cap;
	}
	return true;
}

static void __attribute__((format(printf, 2, 3))) sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends s escaped; what is escaped is at most 6 times longer. */
static void sbuf_escaped(struct sbuf *b, const char *what, const char *s)
{
	size_t need;

	if (!s) {
		if (!b->failed) {
			b->failed = true;
			b->why = what;
		}
		return;
	}
	need = strlen(s) * 6;
	if (!sbuf_reserve(b, need))
		return;
	if (vm_xml_escape(s, b->p, b->cap, &b->len) != 0) {
		b->failed = true;
		b->why = what;
	}
}

/* "0,1,5" for the emulator pin. */
static void sbuf_cpuset(struct sbuf *b, const unsigned *cpus, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sbuf_printf(b, "%s%u", i ? "," : "", cpus[i]);
}

char *vm_domain_xml(const struct vm_domain_spec *spec, bench_error *err)
{
	struct sbuf b = { 0 };

	if (spec->vcpus == 0 || spec->memory_mib == 0)
		return bench_fail(err, 0, "vm: domain XML: %s is 0", spec->vcpus == 0 ? "vcpus" : "memory"),
		       NULL;

	sbuf_printf(&b, "<domain type='%s'>\n", spec->accel == VM_ACCEL_KVM ? "kvm" : "qemu");
	sbuf_printf(&b, "  <name>");
	sbuf_escaped(&b, "name", spec->name);
	sbuf_printf(&b, "</name>\n");
	if (spec->run_id) {
		sbuf_printf(&b, "  <metadata><" VM_BENCH_MARK_PREFIX ":run xmlns:" VM_BENCH_MARK_PREFIX "='" VM_BENCH_MARK_NS
				"' id='");
		sbuf_escaped(&b, "run id", spec->run_id);
		if (spec->controller && *spec->controller) {
			sbuf_printf(&b, "' controller='");
			sbuf_escaped(&b, "controller", spec->controller);
		}
		sbuf_printf(&b, "'/></metadata>\n");
	}
	sbuf_printf(&b, "  <memory unit='MiB'>%u</memory>\n", spec->memory_mib);
	sbuf_printf(&b, "  <vcpu placement='static'>%u</vcpu>\n", spec->vcpus);
	if (spec->ncpus > 0) {
		sbuf_printf(&b, "  <cputune>\n");
		for (unsigned i = 0; i < spec->vcpus; i++)
			sbuf_printf(&b, "    <vcpupin vcpu='%u' cpuset='%u'/>\n", i,
				    spec->cpus[i % spec->ncpus]);
		sbuf_printf(&b, "    <emulatorpin cpuset='");
		sbuf_cpuset(&b, spec->cpus, spec->ncpus);
		sbuf_printf(&b, "'/>\n");
		sbuf_printf(&b, "  </cputune>\n");
	}
	sbuf_printf(&b, "  <os>\n");
	sbuf_printf(&b, "    <type arch='x86_64' machine='%s'>hvm</type>\n",
		    spec->machine && strcmp(spec->machine, "q35") == 0 ? "q35" : "pc");
	sbuf_printf(&b, "    <kernel>");
	sbuf_escaped(&b, "kernel path", spec->kernel);
	sbuf_printf(&b, "</kernel>\n    <initrd>");
	sbuf_escaped(&b, "initrd path", spec->initrd);
	sbuf_printf(&b, "</initrd>\n    <cmdline>");
	sbuf_escaped(&b, "kernel command line", spec->cmdline);
	sbuf_printf(&b, "</cmdline>\n");
	sbuf_printf(&b, "  </os>\n");
	/* ACPI: the agent's reboot(RB_POWER_OFF) ends the domain. */
	sbuf_printf(&b, "  <features><acpi/></features>\n");
	/* The same CPU as the qemu runner's -cpu/-smp (cpu_model.h). */
	{
		struct vm_cpu_topology t = vm_cpu_topology_of(spec->vcpus);

		if (spec->accel == VM_ACCEL_KVM)
			sbuf_printf(&b, "  <cpu mode='host-passthrough' check='none'>\n");
		else
			sbuf_printf(&b, "  <cpu mode='custom' match='exact' check='none'>\n"
					"    <model fallback='forbid'>%s</model>\n",
				    vm_cpu_model_qemu(spec->accel));
		sbuf_printf(&b, "    <topology sockets='%u' dies='1' cores='%u' threads='%u'/>\n  </cpu>\n", t.sockets,
			    t.cores, t.threads);
	}
	sbuf_printf(&b, "  <on_poweroff>destroy</on_poweroff>\n");
	/* panic=-1 on the command line turns a guest panic into a reboot, and
	 * a reboot into the end of the domain: no hung guest. */
	sbuf_printf(&b, "  <on_reboot>destroy</on_reboot>\n");
	sbuf_printf(&b, "  <on_crash>destroy</on_crash>\n");
	sbuf_printf(&b, "  <devices>\n");
	if (spec->console_socket) {
		sbuf_printf(&b, "    <serial type='unix'>\n      <source mode='bind' path='");
		sbuf_escaped(&b, "console socket path", spec->console_socket);
		sbuf_printf(&b, "'/>\n      <target port='0'/>\n    </serial>\n");
	} else {
		sbuf_printf(&b, "    <serial type='pty'><target port='0'/></serial>\n");
	}
	if (spec->disk) {
		/* raw, no host page cache (O_DIRECT on the host file): what
		 * the guest's O_DIRECT measures is the file, not host RAM. */
		sbuf_printf(&b, "    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw' "
				"cache='none' io='");
		sbuf_escaped(&b, "disk io mode", spec->disk_io ? spec->disk_io : "native");
		sbuf_printf(&b, "'/>\n      <source file='");
		sbuf_escaped(&b, "disk path", spec->disk);
		sbuf_printf(&b, "'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n");
	}
	if (spec->tap) {
		/* bench made the tap (managed='no'): libvirt only opens it. */
		sbuf_printf(&b, "    <interface type='ethernet'>\n      <target dev='");
		sbuf_escaped(&b, "tap name", spec->tap);
		sbuf_printf(&b, "' managed='no'/>\n      <model type='virtio'/>\n      <driver name='%s'/>\n"
				"    </interface>\n", spec->vhost ? "vhost" : "qemu");
	}
	/* libvirt adds the <console> that aliases serial port 0 itself. */
	sbuf_printf(&b, "    <controller type='usb' model='none'/>\n");
	sbuf_printf(&b, "    <memballoon model='none'/>\n");
	sbuf_printf(&b, "  </devices>\n");
	sbuf_printf(&b, "</domain>\n");

	if (b.failed) {
		free(b.p);
		if (b.why && strcmp(b.why, "out of memory") == 0)
			return bench_fail(err, ENOMEM, "vm: domain XML"), NULL;
		return bench_fail(err, 0, "vm: domain XML: %s is missing or holds a control character",
				  b.why ? b.why : "a value"),
		       NULL;
	}
	return b.p;
}

int vm_cpulist_parse(const char *list, unsigned *cpus, unsigned max, bench_error *err)
{
	char text[256];
	hwloc_bitmap_t set;
	unsigned n = 0;
	int id;

	if (!list || !*list)
		return bench_fail_usage(err, "cpu list is empty");
	/* As /sys prints it, with a newline; hwloc wants the list alone, and
	 * takes odd input quietly: a CPU list is digits, ',' and '-'. */
	snprintf(text, sizeof(text), "%.*s", (int)strcspn(list, "\n"), list);
	if (!text[0] || strspn(text, "0123456789,-") != strlen(text) || strlen(list) >= sizeof(text))
		return bench_fail_usage(err, "cpu list '%.64s' is malformed (want e.g. 0-1 or 0,2)", list);
	set = hwloc_bitmap_alloc();
	if (!set)
		return bench_fail(err, ENOMEM, "cpu list");
	if (hwloc_bitmap_list_sscanf(set, text) != 0 || hwloc_bitmap_iszero(set) || hwloc_bitmap_weight(set) < 0) {
		hwloc_bitmap_free(set);
		return bench_fail_usage(err, "cpu list '%.64s' is malformed (want e.g. 0-1 or 0,2)", list);
	}
	hwloc_bitmap_foreach_begin(id, set) {
		if (n == max) {
			hwloc_bitmap_free(set);
			return bench_fail_usage(err, "cpu list '%.64s' holds more than %u CPUs", list, max);
		}
		cpus[n++] = (unsigned)id;
	}
	hwloc_bitmap_foreach_end();
	hwloc_bitmap_free(set);
	return (int)n;
}

static char machine_id[40];

/* /etc/machine-id: 32 hex digits; anything else is no id. */
static void read_machine_id(void)
{
	FILE *f = fopen("/etc/machine-id", "re");
	char buf[64] = "";

	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strlen(buf) == 32 && strspn(buf, "0123456789abcdef") == 32)
			memcpy(machine_id, buf, 33);
	}
	fclose(f);
}

const char *vm_machine_id(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, read_machine_id);
	return machine_id[0] ? machine_id : NULL;
}
