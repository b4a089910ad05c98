/* The command line of `bench run all` (suite.h): the suite's own options,
 * and every other option handed on, the common ones to every benchmark and
 * a benchmark's own to each benchmark that has an option of that name. */
#include "suite.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void suite_usage(FILE *out, const struct benchmark *const *table)
{
	fprintf(out,
		"usage: bench run all [--budget T | --quick] [--only LIST | --skip LIST] [options]\n"
		"\n"
		"Runs every benchmark in turn (in the order the report asks its questions), each\n"
		"with its defaults sized to its share of a time budget, under one progress line\n"
		"with an estimate of the time left.  Writes one suite folder, <out>/<UTC time>-all/,\n"
		"holding each benchmark's results folder, suite.json (what ran, how long) and the\n"
		"report (report.md, report.html); `bench report` takes the suite folder as it is.\n"
		"Ctrl-C keeps what finished and still writes the report of it.\n"
		"\n"
		"  --budget T        time for the whole suite, e.g. 600, 90s, 10m, 1h (default 10m,\n"
		"                    sized for a 2-core host whose VMs run under TCG); a budget only\n"
		"                    ever shrinks a benchmark's defaults\n"
		"  --quick           a first look: a budget of %.0f s (under 3 minutes here) and,\n"
		"                    unless --runners is given, the runners %s: the floor,\n"
		"                    bench's own container, the path the kubelet takes (containerd\n"
		"                    with runc) and a libvirt VM\n"
		"  --only LIST       run only these benchmarks, e.g. startup,syscall\n"
		"  --skip LIST       run all but these\n"
		"  --dry-run         print the plan (order, estimates) and run nothing\n"
		"  --host-label L    the host's name in reports (letters, digits, . _ -): keeps\n"
		"                    apart hosts of a fleet that share a hostname\n"
		"\n"
		"Every other option goes on: the common ones (bench run --help) to every\n"
		"benchmark, a benchmark's own (bench run <benchmark> --help) to each benchmark\n"
		"that has it.  The --export-* options write one file per run and are refused.\n"
		"\n"
		"benchmarks:",
		SUITE_QUICK_BUDGET_S, SUITE_QUICK_RUNNERS);
	for (const struct benchmark *const *t = table; *t; t++)
		fprintf(out, " %s", (*t)->name);
	fputs("\n", out);
}

/* "600", "90s", "10m", "1h", "1.5m": seconds, 10 s to a day. */
static int parse_budget(const char *s, double *out, bench_error *err)
{
	char *end;
	double v, unit = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v))
		return bench_fail_usage(err, "--budget: '%s' is not a time (e.g. 600, 90s, 10m, 1h)", s);
	if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else if (strcmp(end, "s") != 0 && *end != '\0')
		return bench_fail_usage(err, "--budget: '%s' is not a time (e.g. 600, 90s, 10m, 1h)", s);
	v *= unit;
	if (v < 10 || v > 86400)
		return bench_fail_usage(err, "--budget: %s is out of range (10 s to 24 h)", s);
	*out = v;
	return 0;
}

static const struct benchmark *find_name(const struct benchmark *const *table, const char *name, size_t len)
{
	for (; *table; table++)
		if (strlen((*table)->name) == len && strncmp((*table)->name, name, len) == 0)
			return *table;
	return NULL;
}

/* Every name of a comma list is a benchmark of the table. */
static int check_list(const char *opt, const char *list, const struct benchmark *const *table, bench_error *err)
{
	const char *p = list;

	if (!*list)
		return bench_fail_usage(err, "%s: the list is empty", opt);
	while (*p) {
		size_t len = strcspn(p, ",");

		if (!find_name(table, p, len)) {
			char shown[BENCH_SHORT_MAX], word[64];

			snprintf(word, sizeof(word), "%.*s", (int)(len < 60 ? len : 60), p);
			return bench_fail_usage(err, "%s: unknown benchmark '%s' (see 'bench run --help')", opt,
						bench_short(shown, word));
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

bool suite_args_choose(const struct suite_args *a, const char *name)
{
	if (a->only)
		return in_list(a->only, name);
	return !a->skip || !in_list(a->skip, name);
}

/* The benchmark option named by arg ("--calls" or "--calls=x") of b, or
 * NULL. */
static const struct bench_option *own_option(const struct benchmark *b, const char *arg)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	len = strcspn(arg + 2, "=");
	for (const struct bench_option *x = b->options; x && x->name; x++)
		if (strlen(x->name) == len && strncmp(x->name, arg + 2, len) == 0)
			return x;
	return NULL;
}

/* How many words the option at argv[i] takes (itself and its value), for
 * any benchmark of the table; 0 when none knows it. */
static int option_words(const struct benchmark *const *table, char **argv, int i, int argc)
{
	int arity = run_options_common_arity(argv[i]);

	if (arity < 0) {
		for (const struct benchmark *const *t = table; *t && arity < 0; t++) {
			const struct bench_option *x = own_option(*t, argv[i]);

			if (x)
				arity = x->arg && !strchr(argv[i], '=') ? 1 : 0;
		}
	}
	if (arity < 0)
		return 0;
	return arity == 1 && i + 1 < argc ? 2 : 1;
}

static int label_check(const char *s, bench_error *err)
{
	size_t len = strlen(s);

	if (len == 0 || len >= SUITE_LABEL_MAX)
		return bench_fail_usage(err, "--host-label: 1 to %d characters", SUITE_LABEL_MAX - 1);
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return bench_fail_usage(err, "--host-label: only letters, digits, '.', '_' and '-'");
	return 0;
}

/* The value of a suite option: "--opt=v" or the next word. */
static const char *value_of(int argc, char **argv, int *i, const char *opt, bench_error *err)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		bench_fail_usage(err, "%s needs a value", opt);
		return NULL;
	}
	return argv[++*i];
}

static bool is_opt(const char *arg, const char *name)
{
	size_t len = strlen(name);

	return strncmp(arg, name, len) == 0 && (arg[len] == '\0' || arg[len] == '=');
}

int suite_args_parse(int argc, char **argv, const struct benchmark *const *table, struct suite_args *a,
		     bench_error *err)
{
	bool budget_given = false, runners_given = false;

	memset(a, 0, sizeof(*a));
	a->budget_s = SUITE_DEFAULT_BUDGET_S;
	a->out_dir = "results";
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int words;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			a->help = true;
			return 0;
		}
		if (is_opt(arg, "--budget")) {
			if (!(v = value_of(argc, argv, &i, "--budget", err)) || parse_budget(v, &a->budget_s, err) < 0)
				return -1;
			budget_given = true;
			continue;
		}
		if (strcmp(arg, "--dry-run") == 0) {
			a->dry_run = true;
			continue;
		}
		if (strcmp(arg, "--quick") == 0) {
			a->quick = true;
			continue;
		}
		if (is_opt(arg, "--only") || is_opt(arg, "--skip")) {
			bool only = arg[2] == 'o';

			if (!(v = value_of(argc, argv, &i, only ? "--only" : "--skip", err)) ||
			    check_list(only ? "--only" : "--skip", v, table, err) < 0)
				return -1;
			*(only ? &a->only : &a->skip) = v;
			continue;
		}
		if (is_opt(arg, "--host-label")) {
			if (!(v = value_of(argc, argv, &i, "--host-label", err)) || label_check(v, err) < 0)
				return -1;
			snprintf(a->host_label, sizeof(a->host_label), "%s", v);
			continue;
		}
		if (strncmp(arg, "--export-", 9) == 0)
			return bench_fail_usage(err, "%.40s: not with 'all' (each benchmark's results folder holds "
						     "results.json, samples.csv and summary.md)", arg);
		words = option_words(table, argv, i, argc);
		if (words == 0) {
			char shown[BENCH_SHORT_MAX];

			if (arg[0] != '-')
				return bench_fail_usage(err, "unexpected argument '%s' (see 'bench run all --help')",
							bench_short(shown, arg));
			return bench_fail_usage(err, "unknown option '%s': neither a common option nor any "
						     "benchmark's (see 'bench run all --help')", bench_short(shown, arg));
		}
		if (a->nwords + words > SUITE_ARGS_MAX)
			return bench_fail_usage(err, "too many options");
		/* The suite too needs to know where the folders go and
		 * whether to be quiet. */
		if (is_opt(arg, "--out") || strncmp(arg, "-o", 2) == 0)
			a->out_dir = words == 2 ? argv[i + 1] : strchr(arg, '=') ? strchr(arg, '=') + 1 : arg + 2;
		if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)
			a->quiet = true;
		if (is_opt(arg, "--runners") || strncmp(arg, "-r", 2) == 0)
			runners_given = true;
		a->nwords_of[a->nwords] = (unsigned char)words;
		for (int k = 0; k < words; k++)
			a->words[a->nwords++] = argv[i + k];
		i += words - 1;
	}
	if (a->quick && budget_given)
		return bench_fail_usage(err, "--quick and --budget: give one (--quick is a budget of %.0f s)",
					SUITE_QUICK_BUDGET_S);
	if (a->only && a->skip)
		return bench_fail_usage(err, "--only and --skip: give one");
	if (a->quick)
		a->budget_s = SUITE_QUICK_BUDGET_S;
	/* Every runner is at least one start per benchmark, and a guest
	 * under TCG is seconds a start: all of them cannot fit a first look. */
	if (a->quick && !runners_given) {
		if (a->nwords + 2 > SUITE_ARGS_MAX)
			return bench_fail_usage(err, "too many options");
		a->nwords_of[a->nwords] = 2;
		a->words[a->nwords++] = (char *)"--runners";
		a->words[a->nwords++] = (char *)SUITE_QUICK_RUNNERS;
		a->quick_runners = true;
	}
	if (!*a->out_dir)
		return bench_fail_usage(err, "--out needs a folder");
	return 0;
}

int suite_args_for(const struct suite_args *a, const struct benchmark *b, char **argv, int max)
{
	int n = 0;

	argv[n++] = (char *)b->name;
	/* Option by option: each is its word and, when words[i] says so, its
	 * value's. */
	for (int i = 0; i < a->nwords; i += a->nwords_of[i]) {
		if (run_options_common_arity(a->words[i]) < 0 && !own_option(b, a->words[i]))
			continue; /* another benchmark's */
		for (int k = 0; k < a->nwords_of[i] && n < max; k++)
			argv[n++] = a->words[i + k];
	}
	argv[n] = NULL;
	return n;
}
