/* The isolation benchmark's output: the channel-by-runner matrix (terminal
 * and Markdown), the host's view, the "isolation" and "host_view" lists in
 * the export, and the results folder; and what bench report says of it
 * (the matrix of each folder, and what leaks in the summary).  Runners are
 * found by what they are (the results' runner_caps), never by name. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "harness/report_model.h"
#include "harness/md_escape.h"
#include "harness/run_output.h"
#include "isolation.h"

static void column_label(const struct iso_probe_result *p, char *out, size_t outsz)
{
	if (strcmp(p->profile, "none") == 0)
		snprintf(out, outsz, "%s", p->runner);
	else
		snprintf(out, outsz, "%s/%s", p->runner, p->profile);
}

void iso_print_matrix(const struct iso_run *run, FILE *out, bool markdown)
{
	char label[40];

	if (markdown) {
		fputs("| channel |", out);
		for (int i = 0; i < run->nprobes; i++) {
			column_label(&run->probes[i], label, sizeof(label));
			fputc(' ', out);
			md_escape(out, label);
			fputs(" |", out);
		}
		fputs("\n|---|", out);
		for (int i = 0; i < run->nprobes; i++)
			fputs("---|", out);
		fputc('\n', out);
	} else {
		fprintf(out, "%-18s", "channel");
		for (int i = 0; i < run->nprobes; i++) {
			column_label(&run->probes[i], label, sizeof(label));
			fprintf(out, " %-19s", label);
		}
		fputc('\n', out);
	}
	for (int ch = 0; ch < PC_COUNT; ch++) {
		fprintf(out, markdown ? "| `%s` |" : "%-18s", probe_channel_names[ch]);
		for (int i = 0; i < run->nprobes; i++) {
			const struct iso_probe_result *p = &run->probes[i];

			/* The values are the workload's and the host's own
			 * words: escaped, and outside code spans, where a
			 * backslash would not escape. */
			if (markdown) {
				fprintf(out, " **%s** (in: ", iso_verdict_name(p->verdict[ch]));
				md_escape(out, p->obs[ch].inside[0].pv.v);
				fputs("; host: ", out);
				md_escape(out, p->obs[ch].host[0].pv.v);
				fputs(") |", out);
			} else
				fprintf(out, " %-19s", iso_verdict_name(p->verdict[ch]));
		}
		fputc('\n', out);
	}
}

void iso_print_hostview(const struct iso_run *run, FILE *out, bool markdown)
{
	char label[40];

	if (markdown)
		fputs("| runner | host sees | processes | threads | environ readable | maps readable | fds readable (open files) |\n"
		      "|---|---|---|---|---|---|---|\n",
		      out);
	else
		fprintf(out, "%-20s %-36s %5s %7s %7s %5s %12s\n", "runner", "the host sees", "procs", "threads",
			"environ", "maps", "fds (files)");
	for (int i = 0; i < run->nprobes; i++) {
		const struct iso_probe_result *p = &run->probes[i];
		const struct iso_hostview *h = &p->hv;

		column_label(p, label, sizeof(label));
		if (markdown) {
			fputs("| ", out);
			md_escape(out, label);
			fputs(" | ", out);
		}
		if (!p->hv_ok && markdown) {
			fputs(p->hv_remote ? "(not measurable over a remote connection) |||||\n" : "(not measured) |||||\n",
			      out);
		} else if (!p->hv_ok) {
			fprintf(out, "%-20s %s\n", label,
				p->hv_remote ? "(not measurable over a remote connection)" : "(not measured)");
		} else if (markdown) {
			md_escape(out, h->what);
			fprintf(out, " | %d | %d | %d | %d | %d (%d) |\n", h->processes, h->threads, h->environ_readable,
				h->maps_readable, h->fds_readable, h->fds);
		} else
			fprintf(out, "%-20s %-36s %5d %7d %7d %5d %5d (%4d)\n", label, h->what, h->processes,
				h->threads, h->environ_readable, h->maps_readable, h->fds_readable, h->fds);
	}
}

/* The counts are facts of one probe, not samples: they go beside the
 * verdicts in the export rather than into series, whose statistics (and
 * "only 1 sample" warnings) would make no sense for them. */
int iso_results_add(const struct iso_run *run, struct results *res, bench_error *err)
{
	json_t *list = json_array(), *views = json_array(), *tallies = json_array();

	if (!list || !views || !tallies || json_object_set_new(res->extra, "isolation", list) < 0 ||
	    json_object_set_new(res->extra, "host_view", views) < 0 ||
	    json_object_set_new(res->extra, "verdict_counts", tallies) < 0)
		return bench_fail(err, 0, "isolation: out of memory");
	for (int i = 0; i < run->nprobes; i++) {
		const struct iso_probe_result *p = &run->probes[i];
		int counts[ISO_NVERDICTS] = { 0 };
		json_t *tally;

		for (int ch = 0; ch < PC_COUNT; ch++) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "runner", p->runner, "profile",
					      p->profile, "channel", probe_channel_names[ch], "verdict",
					      iso_verdict_name(p->verdict[ch]), "inside", p->obs[ch].inside[0].pv.v,
					      "host", p->obs[ch].host[0].pv.v, "why", p->why[ch]);

			if (!o || json_array_append_new(list, o) < 0)
				return bench_fail(err, 0, "isolation: out of memory");
			counts[p->verdict[ch]]++;
		}
		tally = json_pack("{s:s, s:s}", "runner", p->runner, "profile", p->profile);
		if (!tally || json_array_append_new(tallies, tally) < 0)
			return bench_fail(err, 0, "isolation: out of memory");
		for (int v = 0; v < ISO_NVERDICTS; v++)
			if (json_object_set_new(tally, iso_verdict_name((enum iso_verdict)v), json_integer(counts[v])) < 0)
				return bench_fail(err, 0, "isolation: out of memory");
		if (p->hv_ok) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "runner", p->runner,
					      "profile", p->profile, "sees", p->hv.what, "processes", p->hv.processes,
					      "threads", p->hv.threads, "environ_readable", p->hv.environ_readable,
					      "maps_readable", p->hv.maps_readable, "fds_readable", p->hv.fds_readable,
					      "open_files", p->hv.fds);

			if (!o || json_array_append_new(views, o) < 0)
				return bench_fail(err, 0, "isolation: out of memory");
		}
	}
	return 0;
}

static int write_markdown(const struct iso_run *run, const char *path, const char *mode, bench_error *err)
{
	FILE *f = fopen(path, mode);

	if (!f)
		return bench_fail(err, errno, "isolation: %s", path);
	fputs("\n## Isolation: what the workload learns about the host\n\n", f);
	fputs("Verdicts: **isolated** (its own value), **leaks** (the host's value), **host_coupled** (a host-wide "
	      "counter that moved with a burst of host activity), **unavailable** (unreadable).\n\n",
	      f);
	iso_print_matrix(run, f, true);
	if (run->control_msg[0]) {
		fputs("\n**The probe is broken:** ", f);
		md_escape(f, run->control_msg);
		fputc('\n', f);
	}
	fputs("\n## What the host sees of the workload\n\n", f);
	iso_print_hostview(run, f, true);
	if (fclose(f) != 0)
		return bench_fail(err, errno, "isolation: writing %s", path);
	return 0;
}

static int write_files(void *ctx, const char *dir, bench_error *err)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/isolation.md", dir);
	return write_markdown(ctx, path, "w", err);
}

static int append_markdown(void *ctx, const char *path, bench_error *err)
{
	/* The matrix goes after the common summary. */
	return write_markdown(ctx, path, "a", err);
}

static void print_tables(void *ctx, FILE *out)
{
	const struct iso_run *run = ctx;

	if (run->nprobes == 0)
		return;
	fputs("\nIsolation: what the workload learns about the host\n", out);
	iso_print_matrix(run, out, false);
	fputs("\nWhat the host sees of the workload\n", out);
	iso_print_hostview(run, out, false);
}

void iso_output_hooks(const struct iso_run *run, struct run_output_hooks *hooks)
{
	*hooks = (struct run_output_hooks){
		.ctx = (void *)run,
		.write_files = write_files,
		.append_markdown = append_markdown,
		.print = print_tables,
	};
}

/* ---- bench report ---------------------------------------------------------- */

/* The isolation matrix: a row per channel, a column per runner and profile. */
void isolation_report_table(struct doc *d, const struct results *res)
{
	json_t *list = json_object_get(res->extra, "isolation"), *rec;
	const char *cols[16], *rows[128];
	size_t ncols = 0, nrows = 0, i;

	if (!json_is_array(list) || json_array_size(list) == 0) {
		doc_para(d, "This folder holds no isolation verdicts.");
		return;
	}
	json_array_foreach(list, i, rec) {
		const char *ch = json_string_value(json_object_get(rec, "channel"));
		const char *runner = json_string_value(json_object_get(rec, "runner"));
		const char *profile = json_string_value(json_object_get(rec, "profile"));
		char col[96];
		bool seen = false;

		if (!ch || !runner)
			continue;
		for (size_t k = 0; k < nrows; k++)
			seen |= strcmp(rows[k], ch) == 0;
		if (!seen && nrows < 128)
			rows[nrows++] = ch;
		snprintf(col, sizeof(col), "%s%s%s", runner, profile ? " / " : "", profile ? profile : "");
		seen = false;
		for (size_t k = 0; k < ncols; k++)
			seen |= strcmp(cols[k], col) == 0;
		if (!seen && ncols < 15) {
			cols[ncols] = strdup(col);
			if (cols[ncols])
				ncols++;
		}
	}
	/* The header row is the first ncols + 1 cells. */
	doc_table_columns(d, ncols + 1);
	doc_cell(d, "channel");
	for (size_t k = 0; k < ncols; k++)
		doc_cell(d, "%s", cols[k]);
	for (size_t r = 0; r < nrows; r++) {
		doc_cell(d, "%s", rows[r]);
		for (size_t c = 0; c < ncols; c++) {
			const char *verdict = NULL;

			json_array_foreach(list, i, rec) {
				const char *ch = json_string_value(json_object_get(rec, "channel"));
				const char *runner = json_string_value(json_object_get(rec, "runner"));
				const char *profile = json_string_value(json_object_get(rec, "profile"));
				char col[96];

				if (!ch || !runner || strcmp(ch, rows[r]) != 0)
					continue;
				snprintf(col, sizeof(col), "%s%s%s", runner, profile ? " / " : "", profile ? profile : "");
				if (strcmp(col, cols[c]) == 0)
					verdict = json_string_value(json_object_get(rec, "verdict"));
			}
			doc_cell(d, "%s", verdict ? verdict : "–");
		}
	}
	for (size_t k = 0; k < ncols; k++)
		free((char *)cols[k]);
}


/* Channels with a verdict of leaks or host_coupled for runner/profile, as
 * a comma-separated list into buf; returns how many. */
static int leaking(json_t *list, const char *runner, const char *profile, char *buf, size_t sz)
{
	json_t *rec;
	size_t i, len = 0;
	int n = 0;

	buf[0] = '\0';
	if (!runner)
		return 0;
	json_array_foreach(list, i, rec) {
		const char *r = json_string_value(json_object_get(rec, "runner"));
		const char *p = json_string_value(json_object_get(rec, "profile"));
		const char *ch = json_string_value(json_object_get(rec, "channel"));
		const char *v = json_string_value(json_object_get(rec, "verdict"));

		if (!r || !ch || !v || strcmp(r, runner) != 0 || (profile && (!p || strcmp(p, profile) != 0)))
			continue;
		if (strcmp(v, "leaks") != 0 && strcmp(v, "host_coupled") != 0)
			continue;
		if (len < sz)
			len += (size_t)snprintf(buf + len, sz - len, "%s%s", n ? ", " : "", ch);
		n++;
	}
	return n;
}

void isolation_report_summary(struct doc *d, const struct report_folder *f, const char *host)
{
	json_t *list = f ? json_object_get(f->res.extra, "isolation") : NULL;
	static const char *const profiles[] = { "plain", "hardened" };
	const char *container, *vm;
	char buf[1024];
	bool any = false;

	if (!f || !json_is_array(list)) {
		doc_bullet(d, "Isolation: not measured on %s ('bench run isolation').", host);
		return;
	}
	container = results_runner_with(&f->res, "namespaces", "guest_kernel");
	vm = results_runner_with(&f->res, "guest_kernel", NULL);
	for (size_t p = 0; p < 2; p++) {
		int n = leaking(list, container, profiles[p], buf, sizeof(buf));

		if (n > 0)
			doc_bullet(d, "Isolation lost with containers (%s profile, %s): %d channels show the host's "
				      "value or move with host activity: %s. They share the host's kernel.",
				   profiles[p], host, n, buf);
		any |= n > 0;
	}
	if (!any && leaking(list, container, NULL, buf, sizeof(buf)) > 0) {
		doc_bullet(d, "Isolation lost with containers (%s): %s.", host, buf);
		any = true;
	}
	{
		int n = leaking(list, vm, NULL, buf, sizeof(buf));

		doc_bullet(d, "Isolation with VMs (%s): %s%s%s", host,
			   n ? "these channels still showed the host's value: " : "no channel showed the host's value",
			   n ? buf : "", n ? "." : ": the guest has its own kernel.");
	}
	if (!any)
		doc_bullet(d, "Containers (%s): no leaking channel recorded.", host);
}
