/* The conclusions of bench run syscall: ratios to the host with a
 * bootstrap interval, the run's settings in the metadata, and a plain-words
 * note per runner on the path its calls took. */
#include "syscall_report.h"

#include <math.h>
#include <string.h>

#include "harness/stats.h"

void syscall_metric(int call, char *buf, size_t sz)
{
	snprintf(buf, sz, "syscall.%s", syscall_call_names[call]);
}

/* The call a series holds, or -1 for a series that is not a call's. */
static int series_call(const struct series *s)
{
	if (strncmp(s->metric, "syscall.", 8) != 0)
		return -1;
	return syscall_call_find(s->metric + 8);
}

static const struct syscall_runner_info *find_info(const struct syscall_runner_info *info, int ninfo,
						   const char *runner)
{
	for (int i = 0; i < ninfo; i++)
		if (strcmp(info[i].runner, runner) == 0)
			return &info[i];
	return NULL;
}

static double series_median(const struct results *res, const char *runner, int call)
{
	char metric[48];
	const struct series *s;
	struct stats st;

	syscall_metric(call, metric, sizeof(metric));
	s = results_find(res, runner, metric);
	if (!s || s->n == 0)
		return NAN;
	st = *series_stats(s);
	return st.median;
}

int syscall_vdso_seen(const struct results *res, const char *runner)
{
	static const int kernel_calls[] = { SYSCALL_GETPID, SYSCALL_GETPPID, SYSCALL_UNAME };
	double clock = series_median(res, runner, SYSCALL_CLOCK_GETTIME), cheapest = INFINITY;

	for (size_t i = 0; i < sizeof(kernel_calls) / sizeof(kernel_calls[0]); i++) {
		double m = series_median(res, runner, kernel_calls[i]);

		if (m < cheapest)
			cheapest = m;
	}
	if (isnan(clock) || isinf(cheapest))
		return -1;
	return clock < cheapest / 2.0;
}

static int set_extra(struct series *s, const char *key, json_t *value, bench_error *err)
{
	if (!s->extra)
		s->extra = json_object();
	if (!s->extra || !value || json_object_set_new(s->extra, key, value) < 0)
		return bench_fail(err, 0, "out of memory for the syscall ratios");
	return 0;
}

int syscall_report_ratios(struct results *res, const struct syscall_runner_info *info, int ninfo,
			  bench_error *err)
{
	/* Every ratio is to the baseline runner (the host's plain process). */
	const char *base = results_runner_with(res, "baseline", NULL);

	for (size_t i = 0; i < res->nseries; i++) {
		struct series *s = &res->series[i];
		const struct syscall_runner_info *ri = find_info(info, ninfo, s->runner);
		int call = series_call(s), vdso;
		const struct series *host;
		double ratio, lo, hi;

		if (call < 0 || s->n == 0)
			continue;
		vdso = syscall_call_is_vdso(call) ? syscall_vdso_seen(res, s->runner) : 0;
		if (set_extra(s, "path", json_string(vdso == 1 ? "vdso" : "kernel"), err) < 0)
			return -1;
		if (ri && ri->batch_size[call] &&
		    set_extra(s, "batch_size", json_integer((json_int_t)ri->batch_size[call]), err) < 0)
			return -1;
		if (!base)
			continue;
		if (strcmp(s->runner, base) == 0) {
			if (set_extra(s, "ratio_to_host", json_real(1.0), err) < 0)
				return -1;
			continue;
		}
		host = results_find(res, base, s->metric);
		if (!host || host->n == 0)
			continue;
		if (stats_ratio_of_medians(s->v, s->n, host->v, host->n, SYSCALL_RATIO_REPS, SYSCALL_RATIO_SEED, &ratio,
					   &lo, &hi) < 0)
			return bench_fail(err, 0, "cannot compute the ratio of %s %s to the host", s->runner, s->metric);
		if (set_extra(s, "ratio_to_host", json_real(ratio), err) < 0 ||
		    set_extra(s, "ratio_ci95_lo", json_real(lo), err) < 0 ||
		    set_extra(s, "ratio_ci95_hi", json_real(hi), err) < 0)
			return -1;
	}
	return 0;
}

/* ---- the words ---------------------------------------------------------- */

static const char *clock_words(int vdso)
{
	if (vdso == 1)
		return "clock_gettime was answered in user space by the vDSO, without entering the kernel";
	if (vdso == 0)
		return "clock_gettime cost as much as a kernel entry: the vDSO could not read this clock source in "
		       "user space and fell back to a system call";
	return "clock_gettime was not measured";
}

static void explain_runner(struct results *res, const struct syscall_runner_info *ri, const char *host_kernel)
{
	const char *accel = json_string_value(json_object_get(res->meta, "accel"));
	const char *kernel = ri->kernel[0] ? ri->kernel : "?";
	int vdso = syscall_vdso_seen(res, ri->runner);
	bool same_kernel = host_kernel && strcmp(kernel, host_kernel) == 0;
	/* The host PU: a VM's agent reports its vCPU (0), pinned to this. */
	unsigned pu = (unsigned)json_integer_value(json_object_get(res->meta, "pinned_pu"));
	bool guest = results_runner_has(res, ri->runner, "guest_kernel");

	if (results_runner_has(res, ri->runner, "baseline")) {
		results_meta_note(res->meta,
				  "%s: a plain process on the host kernel %s, pinned to PU %u. Every call but "
				  "clock_gettime enters the kernel (syscall instruction, kernel code, return); %s. "
				  "These are the figures the others are divided by.",
				  ri->runner, kernel, ri->setup.cpu, clock_words(vdso));
	} else if (results_runner_has(res, ri->runner, "namespaces")) {
		results_meta_note(res->meta,
				  "%s: %s kernel (%s), so each call runs the same kernel code as on the host; "
				  "the namespaces only change which data it reads (uname and gethostname the "
				  "container's UTS namespace, getpid its PID namespace). Ratios near 1 are expected; "
				  "%s.",
				  ri->runner, same_kernel ? "the host's own" : "NOT the host's", kernel,
				  clock_words(vdso));
	} else if (results_runner_has(res, ri->runner, "user_kernel")) {
		const char *platform = json_string_value(json_object_get(res->meta, "gvisor_platform"));

		results_meta_note(res->meta,
				  "%s (gVisor, platform %s): the calls are answered by gVisor's own kernel in user "
				  "space (the Sentry, which reports kernel %s), never by the host's kernel directly; "
				  "%s%s.",
				  ri->runner, platform ? platform : "unknown", kernel,
				  platform && strcmp(platform, "ptrace") == 0
					  ? "on the ptrace platform every call is stopped by ptrace and handed to the "
					    "Sentry, the slowest way gVisor runs (kvm or systrap cost far less), so these "
					    "figures overstate what gVisor costs where KVM is available; "
					  : "",
				  clock_words(vdso));
	} else if (guest && accel && strcmp(accel, "tcg") == 0) {
		results_meta_note(res->meta,
				  "%s (TCG): the calls run in the guest's own kernel (%s) on one vCPU pinned to PU "
				  "%u, and never reach the host's kernel; but QEMU TCG translates every guest "
				  "instruction in software instead of running it on the CPU, so these figures are "
				  "EMULATION, not virtualisation, and say nothing about KVM or ESXi; %s.",
				  ri->runner, kernel, pu, clock_words(vdso));
	} else if (guest) {
		results_meta_note(res->meta,
				  "%s (%s): the calls run in the guest's own kernel (%s) on one vCPU pinned to PU %u. "
				  "With hardware virtualisation a system call stays inside the guest (no VM exit), so "
				  "kernel-entry calls should cost about what they cost on the host; %s.",
				  ri->runner, accel ? accel : "accelerator unknown", kernel, pu, clock_words(vdso));
	} else {
		results_meta_note(res->meta, "%s: kernel %s%s; %s.", ri->runner, kernel,
				  same_kernel ? " (the host's)" : "", clock_words(vdso));
	}
	if (ri->have_setup && !ri->setup.pinned)
		results_meta_note(res->meta, "%s: the agent was not pinned to one processing unit", ri->runner);
	if (ri->max_clock_share > SYSCALL_CLOCK_SHARE_MAX)
		results_meta_note(res->meta,
				  "%s: some batches were so short that the clock's own cost was %.1f%% of them "
				  "(over 1%%): use a larger --batch-size or auto",
				  ri->runner, 100.0 * ri->max_clock_share);
}

/* "container / host, ratio of medians [95% CI]: uname 1.01 [0.99, 1.03], ..." */
static void note_ratios(struct results *res, const char *runner)
{
	char text[480];
	size_t len;
	int any = 0;

	len = (size_t)snprintf(text, sizeof(text), "%s / host, ratio of medians [95%% bootstrap CI over batches; drift between runners measured at different times is not in it]:", runner);
	for (size_t i = 0; i < res->nseries && len < sizeof(text); i++) {
		const struct series *s = &res->series[i];
		json_t *r = json_object_get(s->extra, "ratio_to_host");
		json_t *lo = json_object_get(s->extra, "ratio_ci95_lo");
		json_t *hi = json_object_get(s->extra, "ratio_ci95_hi");

		if (strcmp(s->runner, runner) != 0 || series_call(s) < 0 || !r || !lo || !hi)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %s %.3g [%.3g, %.3g]", any ? "," : "",
					s->metric + 8, json_real_value(r), json_real_value(lo), json_real_value(hi));
		any = 1;
	}
	if (any)
		results_meta_note(res->meta, "%s", text);
}

void syscall_report_explain(struct results *res, const struct syscall_runner_info *info, int ninfo,
			    const char *host_kernel)
{
	json_t *meta = json_object(), *runners = json_object(), *calls = json_array();

	if (!meta || !runners || !calls) {
		json_decref(meta);
		json_decref(runners);
		json_decref(calls);
		return;
	}
	for (int c = 0; c < SYSCALL_NCALLS; c++)
		for (int i = 0; i < ninfo; i++)
			if (info[i].batch_size[c]) {
				json_array_append_new(calls, json_string(syscall_call_names[c]));
				break;
			}
	json_object_set_new(meta, "calls", calls);
	json_object_set_new(meta, "batch_target_ns", json_integer((json_int_t)SYSCALL_BATCH_TARGET_NS));
	json_object_set_new(meta, "ratio_ci", json_string("percentile bootstrap of the ratio of medians, 2000 "
							 "resamples, fixed seed"));
	for (int i = 0; i < ninfo; i++) {
		const struct syscall_runner_info *ri = &info[i];
		json_t *o = json_object(), *sizes = json_object();

		if (!o || !sizes) {
			json_decref(o);
			json_decref(sizes);
			continue;
		}
		for (int c = 0; c < SYSCALL_NCALLS; c++)
			if (ri->batch_size[c])
				json_object_set_new(sizes, syscall_call_names[c], json_integer((json_int_t)ri->batch_size[c]));
		json_object_set_new(o, "kernel", json_string(ri->kernel));
		json_object_set_new(o, "agent_cpu", json_integer(ri->setup.cpu));
		json_object_set_new(o, "pinned", json_boolean(ri->setup.pinned));
		json_object_set_new(o, "clock_read_ns", json_real(ri->setup.clock_ns));
		json_object_set_new(o, "batches", json_integer(ri->setup.batches));
		json_object_set_new(o, "warmup_batches", json_integer(ri->setup.warmup));
		json_object_set_new(o, "max_clock_share", json_real(ri->max_clock_share));
		json_object_set_new(o, "batch_size", sizes);
		json_object_set_new(runners, ri->runner, o);
		if (ri->have_setup || ri->kernel[0]) {
			explain_runner(res, ri, host_kernel);
			note_ratios(res, ri->runner);
		}
	}
	json_object_set_new(meta, "runners", runners);
	json_object_set_new(res->meta, "syscall", meta);
}

/* ---- the terminal ------------------------------------------------------- */

void syscall_report_print(const struct results *res, FILE *out)
{
	const char *runners[16];
	int nrunners = 0;

	for (size_t i = 0; i < res->nseries && nrunners < 16; i++) {
		int seen = 0;

		for (int r = 0; r < nrunners; r++)
			seen |= strcmp(runners[r], res->series[i].runner) == 0;
		if (!seen && series_call(&res->series[i]) >= 0)
			runners[nrunners++] = res->series[i].runner;
	}
	if (nrunners == 0)
		return;
	fputs("\nMedian ns per call (ratio to host [95% CI])\n", out);
	fprintf(out, "  %-14s", "call");
	for (int r = 0; r < nrunners; r++)
		fprintf(out, " %-30s", runners[r]);
	fputc('\n', out);
	for (int c = 0; c < SYSCALL_NCALLS; c++) {
		char metric[48];
		int any = 0;

		syscall_metric(c, metric, sizeof(metric));
		for (int r = 0; r < nrunners; r++)
			any |= results_find(res, runners[r], metric) != NULL;
		if (!any)
			continue;
		fprintf(out, "  %-14s", syscall_call_names[c]);
		for (int r = 0; r < nrunners; r++) {
			const struct series *s = results_find(res, runners[r], metric);
			json_t *lo = s ? json_object_get(s->extra, "ratio_ci95_lo") : NULL;
			json_t *hi = s ? json_object_get(s->extra, "ratio_ci95_hi") : NULL;
			json_t *ratio = s ? json_object_get(s->extra, "ratio_to_host") : NULL;
			char cell[64];
			struct stats st;

			if (!s || s->n == 0) {
				fprintf(out, " %-30s", "-");
				continue;
			}
			st = *series_stats(s);
			if (lo && hi && ratio)
				snprintf(cell, sizeof(cell), "%.1f (%.2fx [%.2f, %.2f])", st.median, json_real_value(ratio),
					 json_real_value(lo), json_real_value(hi));
			else
				snprintf(cell, sizeof(cell), "%.1f", st.median);
			fprintf(out, " %-30s", cell);
		}
		fputc('\n', out);
	}
}
