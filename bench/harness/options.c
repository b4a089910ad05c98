#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "../../runners/vm_guest.h"
#include "exporters.h"

enum {
	OPT_EXPORT_JSON = 256, OPT_EXPORT_CSV, OPT_EXPORT_MARKDOWN, OPT_LIBVIRT_URI, OPT_ACCEL, OPT_PIDS, OPT_INTERVAL,
	OPT_VM_MACHINE, OPT_VM_START, OPT_GUEST_KERNEL,
	OPT_GVISOR_PLATFORM,
	OPT_OCI_LIFECYCLE,
	OPT_EXTRA = 512,
};

static const struct option long_options[] = {
	{ "runners", required_argument, NULL, 'r' },
	{ "runs", required_argument, NULL, 'n' },
	{ "warmup", required_argument, NULL, 'w' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "memory", required_argument, NULL, 'm' },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "timeout", required_argument, NULL, 't' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "out", required_argument, NULL, 'o' },
	{ "export-json", required_argument, NULL, OPT_EXPORT_JSON },
	{ "export-csv", required_argument, NULL, OPT_EXPORT_CSV },
	{ "export-markdown", required_argument, NULL, OPT_EXPORT_MARKDOWN },
	{ "libvirt-uri", required_argument, NULL, OPT_LIBVIRT_URI },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "vm-machine", required_argument, NULL, OPT_VM_MACHINE },
	{ "vm-start", required_argument, NULL, OPT_VM_START },
	{ "guest-kernel", required_argument, NULL, OPT_GUEST_KERNEL },
	{ "gvisor-platform", required_argument, NULL, OPT_GVISOR_PLATFORM },
	{ "oci-lifecycle", required_argument, NULL, OPT_OCI_LIFECYCLE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void run_options_usage(FILE *out, const struct bench_option *extra)
{
	fputs("options:\n"
	      "  -r, --runners LIST   runners to compare, in order (default: all):\n",
	      out);
	for (const struct runner_ops *const *r = runner_table; *r; r++)
		fprintf(out, "                         %-10s %s\n", (*r)->name, (*r)->summary);
	fprintf(out,
		"  -n, --runs N         measured runs per runner (default %d; fewer for runners\n"
		"                       whose start takes seconds, e.g. vm)\n"
		"  -w, --warmup N       unmeasured runs first, per runner (default %d)\n"
		"  -c, --cpus LIST      CPUs for the workloads, e.g. 0-1 or 1 (default: all);\n"
		"                       the container's cpuset and the VM's pinning\n"
		"  -m, --memory MiB     memory limit of a container, size of a VM (default %d)\n"
		"      --pids N         pids limit of a container (default %d)\n"
		"  -t, --timeout S      seconds to wait for READY and for a stop (default %d)\n"
		"      --interval S     seconds to pause before each run, so that every start is\n"
		"                       a cold one (default 0: back to back, the steady state)\n"
		"  -o, --out DIR        where results folders go (default: results)\n"
		"      --export-json F  also write the results as JSON to F\n"
		"      --export-csv F   also write the raw samples as CSV to F\n"
		"      --export-markdown F  also write the summary as Markdown to F\n"
		"      --libvirt-uri URI  the vm runner's libvirt connection (default qemu:///system;\n"
		"                         qemu+ssh://, qemu+tcp://, qemu+tls:// reach another host)\n"
		"      --accel A        the vm runner's accelerator: auto, kvm or tcg (default auto)\n"
		"      --vm-machine M   the qemu runner's machine model: pc, q35 or microvm\n"
		"                       (default pc, the vm runner's)\n"
		"      --vm-start S     the qemu and vm runners' start: cold (boot) or restore\n"
		"                       (from a saved idle guest kept in bench's cache;\n"
		"                       default cold)\n"
		"      --guest-kernel K  the vm and qemu runners' kernel: distro (Debian's cloud\n"
		"                       kernel, the default), minimal ('make guest-kernel'), or\n"
		"                       the path of a bzImage\n"
		"      --gvisor-platform P  runsc's platform: auto, ptrace or kvm (default auto:\n"
		"                       kvm only where /dev/kvm works)\n"
		"      --oci-lifecycle L  runc, crun, runsc: phases (create, start, delete: three\n"
		"                       runtime calls, timed one by one; default) or run (one\n"
		"                       `<runtime> run`, as by hand)\n"
		"  -q, --quiet          no progress bar and no summary on the terminal\n"
		"  -h, --help           this text\n",
		OPTIONS_DEFAULT_RUNS, OPTIONS_DEFAULT_WARMUP, OPTIONS_DEFAULT_MEMORY_MIB, OPTIONS_DEFAULT_PIDS,
		OPTIONS_DEFAULT_TIMEOUT_MS / 1000);
	for (const struct bench_option *e = extra; e && e->name; e++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", e->name, e->arg ? " " : "", e->arg ? e->arg : "");
		fprintf(out, "      %-16s %s\n", left, e->help);
	}
	fputs("\n"
	      "Every run writes results/<UTC time>-<benchmark>/ (see results/README.md) and\n"
	      "points results/latest at it.  Needs root for the container and vm runners.\n",
	      out);
}

int run_options_common_arity(const char *arg)
{
	static const char short_with_value[] = "rnwcmto", short_flags[] = "qh";

	if (strncmp(arg, "--", 2) == 0) {
		size_t len = strcspn(arg + 2, "=");

		for (const struct option *x = long_options; x->name; x++)
			if (strlen(x->name) == len && strncmp(x->name, arg + 2, len) == 0)
				return x->has_arg == required_argument && !arg[2 + len] ? 1 : 0;
		return -1;
	}
	if (arg[0] != '-' || !arg[1])
		return -1;
	if (strchr(short_with_value, arg[1]))
		return arg[2] ? 0 : 1;
	return strchr(short_flags, arg[1]) ? 0 : -1;
}

static int parse_int(const char *opt, const char *s, long min, long max, long *out, bench_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return bench_fail_usage(err, "%s: '%s' is not a whole number", opt, s);
	if (v < min || v > max)
		return bench_fail_usage(err, "%s: %ld is out of range (%ld to %ld)", opt, v, min, max);
	*out = v;
	return 0;
}

static int parse_seconds(const char *opt, const char *s, double min, int *ms, bench_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
		return bench_fail_usage(err, "%s: '%s' is not a number of seconds", opt, s);
	if (v < min || v > 3600)
		return bench_fail_usage(err, "%s: %s is out of range (%g to 3600 seconds)", opt, s, min);
	*ms = (int)(v * 1000 + 0.5);
	return 0;
}

/* Splits a comma-separated runner list into o->runners, checking each name
 * and refusing duplicates. */
static int parse_runners(const char *list, struct run_options *o, bench_error *err)
{
	char *save = NULL, *tok;

	size_t len = strlen(list);

	if (len >= sizeof(o->runners_buf))
		return bench_fail_usage(err, "--runners: the list is too long");
	memcpy(o->runners_buf, list, len + 1);
	o->nrunners = 0;
	for (tok = strtok_r(o->runners_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!runner_find(tok)) {
			char known[128] = "";
			for (const struct runner_ops *const *r = runner_table; *r; r++) {
				strncat(known, (*r)->name, sizeof(known) - strlen(known) - 3);
				if (r[1])
					strncat(known, ", ", sizeof(known) - strlen(known) - 1);
			}
			return bench_fail_usage(err, "--runners: unknown runner '%s' (known: %s)", tok, known);
		}
		for (int i = 0; i < o->nrunners; i++)
			if (strcmp(o->runners[i], tok) == 0)
				return bench_fail_usage(err, "--runners: '%s' is named twice", tok);
		if (o->nrunners == OPTIONS_RUNNERS_MAX)
			return bench_fail_usage(err, "--runners: too many runners");
		o->runners[o->nrunners++] = tok;
	}
	if (o->nrunners == 0)
		return bench_fail_usage(err, "--runners: the list is empty");
	return 0;
}

/* What getopt refused in arg, in words: a flag given a value ("--quiet=1")
 * is named as such; otherwise the argument as typed, never a raw byte
 * (getopt's optopt is a long option's table value, not a character). */
static int unknown_option(const struct option *all, const char *arg, int opt, bench_error *err)
{
	char shown[BENCH_SHORT_MAX];

	/* In a cluster ("-qx") optind has not moved on yet: only the
	 * character names the option. */
	if (strncmp(arg, "--", 2) != 0 && opt > ' ' && opt < 0x7f)
		return bench_fail_usage(err, "unknown option '-%c' (see 'bench run --help')", opt);
	if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=')) {
		size_t len = (size_t)(strchr(arg, '=') - arg) - 2;
		const struct option *hit = NULL;
		int matches = 0;

		/* getopt takes any unambiguous prefix of a long name. */
		for (const struct option *x = all; x->name; x++) {
			if (strncmp(x->name, arg + 2, len) != 0)
				continue;
			if (strlen(x->name) == len) {
				hit = x;
				matches = 1;
				break;
			}
			hit = x;
			matches++;
		}
		if (matches == 1 && hit->has_arg == no_argument)
			return bench_fail_usage(err, "--%s takes no value (see 'bench run --help')", hit->name);
	}
	return bench_fail_usage(err, "unknown option '%s' (see 'bench run --help')", bench_short(shown, arg));
}

int run_options_parse(int argc, char **argv, struct run_options *o, const struct bench_option *extra, void *ctx,
		      bench_error *err)
{
	struct option all[sizeof(long_options) / sizeof(long_options[0]) + OPTIONS_EXTRA_MAX];
	size_t ncommon = sizeof(long_options) / sizeof(long_options[0]) - 1, nextra = 0;
	const char *cpus = NULL;
	long v = 0;
	int c;

	/* The common table, then the benchmark's own, each extra's value
	 * being OPT_EXTRA + its index. */
	memcpy(all, long_options, ncommon * sizeof(all[0]));
	for (; extra && extra[nextra].name; nextra++) {
		if (nextra == OPTIONS_EXTRA_MAX)
			return bench_fail(err, 0, "too many benchmark options");
		all[ncommon + nextra] = (struct option){ extra[nextra].name,
							 extra[nextra].arg ? required_argument : no_argument, NULL,
							 OPT_EXTRA + (int)nextra };
	}
	all[ncommon + nextra] = (struct option){ NULL, 0, NULL, 0 };

	memset(o, 0, sizeof(*o));
	o->runs = -1;
	o->warmup = -1;
	o->memory_mib = OPTIONS_DEFAULT_MEMORY_MIB;
	o->pids_max = OPTIONS_DEFAULT_PIDS;
	o->timeout_ms = OPTIONS_DEFAULT_TIMEOUT_MS;
	o->out_dir = "results";
	o->accel = "auto";
	o->gvisor_platform = "auto";
	o->oci_lifecycle = "phases";
	/* optind = 0 makes glibc start afresh (tests parse many times);
	 * opterr = 0: errors are ours to word. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:r:n:w:c:m:t:o:qh", all, NULL)) != -1) {
		if (c >= OPT_EXTRA && c < OPT_EXTRA + (int)nextra) {
			if (extra[c - OPT_EXTRA].set(ctx, extra[c - OPT_EXTRA].arg ? optarg : NULL, err) < 0) {
				err->exit_code = BENCH_EXIT_USAGE;
				return -1;
			}
			continue;
		}
		switch (c) {
		case 'r':
			if (parse_runners(optarg, o, err) < 0)
				return -1;
			break;
		case 'n':
			if (parse_int("--runs", optarg, 1, 100000, &v, err) < 0)
				return -1;
			o->runs = (int)v;
			break;
		case 'w':
			if (parse_int("--warmup", optarg, 0, 10000, &v, err) < 0)
				return -1;
			o->warmup = (int)v;
			break;
		case 'c':
			cpus = optarg;
			o->cpus_given = true;
			break;
		case 'm':
			if (parse_int("--memory", optarg, 16, 1 << 20, &v, err) < 0)
				return -1;
			o->memory_mib = (unsigned)v;
			o->memory_given = true;
			break;
		case OPT_PIDS:
			if (parse_int("--pids", optarg, 1, 1 << 22, &v, err) < 0)
				return -1;
			o->pids_max = (unsigned)v;
			break;
		case 't':
			if (parse_seconds("--timeout", optarg, 0.001, &o->timeout_ms, err) < 0)
				return -1;
			break;
		case OPT_INTERVAL:
			if (parse_seconds("--interval", optarg, 0, &o->interval_ms, err) < 0)
				return -1;
			break;
		case 'o':
			o->out_dir = optarg;
			break;
		case OPT_EXPORT_JSON:
			o->export_json = optarg;
			break;
		case OPT_EXPORT_CSV:
			o->export_csv = optarg;
			break;
		case OPT_EXPORT_MARKDOWN:
			o->export_markdown = optarg;
			break;
		case OPT_LIBVIRT_URI:
			o->libvirt_uri = optarg;
			break;
		case OPT_ACCEL:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "kvm") != 0 && strcmp(optarg, "tcg") != 0)
				return bench_fail_usage(err, "--accel: '%s' is not one of auto, kvm, tcg", optarg);
			o->accel = optarg;
			break;
		case OPT_VM_MACHINE:
			if (strcmp(optarg, "pc") != 0 && strcmp(optarg, "q35") != 0 && strcmp(optarg, "microvm") != 0)
				return bench_fail_usage(err, "--vm-machine: '%s' is not one of pc, q35, microvm", optarg);
			o->vm_machine = optarg;
			break;
		case OPT_VM_START:
			if (strcmp(optarg, "cold") != 0 && strcmp(optarg, "restore") != 0)
				return bench_fail_usage(err, "--vm-start: '%s' is not one of cold, restore", optarg);
			o->vm_start = optarg;
			break;
		case OPT_GUEST_KERNEL:
			if (vm_guest_kernel_option(optarg, err) < 0)
				return -1;
			o->guest_kernel = optarg;
			break;
		case OPT_GVISOR_PLATFORM:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "kvm") != 0 && strcmp(optarg, "ptrace") != 0)
				return bench_fail_usage(err, "--gvisor-platform: '%s' is not one of auto, ptrace, kvm", optarg);
			o->gvisor_platform = optarg;
			break;
		case OPT_OCI_LIFECYCLE:
			if (strcmp(optarg, "phases") != 0 && strcmp(optarg, "run") != 0)
				return bench_fail_usage(err, "--oci-lifecycle: '%s' is not one of phases, run", optarg);
			o->oci_lifecycle = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			return bench_fail_usage(err, "%s needs a value", argv[optind - 1]);
		default:
			return unknown_option(all, argv[optind - 1], optopt, err);
		}
	}
	if (optind < argc)
		return bench_fail_usage(err, "unexpected argument '%s' (see 'bench run --help')", argv[optind]);
	if (o->nrunners == 0) {
		for (const struct runner_ops *const *r = runner_table; *r && o->nrunners < OPTIONS_RUNNERS_MAX; r++)
			o->runners[o->nrunners++] = (*r)->name;
	}
	if (cpulist_parse(cpus, o->cpus, sizeof(o->cpus), &o->ncpus, err) < 0)
		return -1;
	/* A destination that cannot be written fails now, not after the
	 * whole run has been measured. */
	return exporters_check_dests(o, err);
}
