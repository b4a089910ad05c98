/* `bench cleanup` removes only what bench made for a run that is over:
 * never an object whose name merely looks like bench's (a user's
 * persistent domain "bench-mydb"), never one of a run still going, and it
 * says how much it removed. */
#include <criterion/criterion.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "../vm/cleanup.h"
#include "cli_run.h"

#define USER_DOMAIN "bench-mydb"

static void silent(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

/* A pid that was ours a moment ago and now runs nothing. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return pid;
}

static virConnectPtr need_libvirt(void)
{
	virConnectPtr c;

	if (geteuid() != 0)
		cr_skip_test("needs root (qemu:///system)");
	virSetErrorFunc(NULL, silent);
	c = virConnectOpen("qemu:///system");
	if (!c)
		cr_skip_test("libvirtd not reachable: %s", virGetLastErrorMessage());
	return c;
}

static bool domain_exists(virConnectPtr c, const char *name)
{
	virDomainPtr d = virDomainLookupByName(c, name);

	if (!d)
		return false;
	virDomainFree(d);
	return true;
}

/* The smallest domain QEMU starts: no kernel, no disk; it stays paused. */
static char *tiny_domain_xml(const char *name, const char *mark_run_id)
{
	char *xml = NULL;
	char mark[256] = "";

	if (mark_run_id)
		snprintf(mark, sizeof(mark),
			 "<metadata><bench:run xmlns:bench='" "https://bench.invalid/ns/run/1" "' id='%s'/></metadata>",
			 mark_run_id);
	cr_assert_geq(asprintf(&xml,
			       "<domain type='qemu'><name>%s</name>%s<memory unit='MiB'>32</memory><vcpu>1</vcpu>"
			       "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
			       "<devices><controller type='usb' model='none'/><memballoon model='none'/></devices>"
			       "</domain>",
			       name, mark),
		      0);
	return xml;
}

Test(cleanup, names_that_do_not_parse_or_reused_pids)
{
	char name[96];
	pid_t gone = dead_pid();

	/* Not a name bench makes: its owner is not known to be dead. */
	cr_expect(run_id_owner_alive(USER_DOMAIN), "'%s' was taken for a dead run's", USER_DOMAIN);
	cr_expect(run_id_owner_alive("bench-"), "'bench-' was taken for a dead run's");
	cr_expect(run_id_owner_alive("bench-12x-1-0"), "'bench-12x-1-0' was taken for a dead run's");
	/* A live run: this process, named now. */
	snprintf(name, sizeof(name), RUN_ID_PREFIX "%ld-%lx-0", (long)getpid(), (unsigned long)time(NULL));
	cr_expect(run_id_owner_alive(name), "%s: this process counts as dead", name);
	/* This pid, but a run that began in 1970: the pid was reused by us. */
	snprintf(name, sizeof(name), RUN_ID_PREFIX "%ld-1-0", (long)getpid());
	cr_expect(!run_id_owner_alive(name), "%s: a reused pid counts as the run's owner", name);
	snprintf(name, sizeof(name), RUN_ID_PREFIX "%ld-%lx-3", (long)gone, (unsigned long)time(NULL));
	cr_expect(!run_id_owner_alive(name), "%s: a dead pid counts as alive", name);
}

/* Trust defect 2: `virsh define bench-mydb`, then `bench cleanup`. */
Test(cleanup, persistent_domain_named_like_bench_survives, .timeout = 120)
{
	virConnectPtr c = need_libvirt();
	char *xml = tiny_domain_xml(USER_DOMAIN, NULL);
	virDomainPtr d;
	bench_error err = { 0 };
	bool survived;

	if (domain_exists(c, USER_DOMAIN))
		cr_skip_test("a domain %s already exists here: not ours to touch", USER_DOMAIN);
	d = virDomainDefineXML(c, xml);
	free(xml);
	cr_assert_not_null(d, "defining %s: %s", USER_DOMAIN, virGetLastErrorMessage());
	cr_expect_geq(vm_cleanup_stale(NULL, false, NULL, &err), 0, "%s", err.msg);
	/* Not with all = true: that would also destroy the domains of bench
	 * runs going on beside this test. */
	survived = domain_exists(c, USER_DOMAIN);
	cr_expect(survived, "bench cleanup removed the user's persistent domain %s", USER_DOMAIN);
	if (domain_exists(c, USER_DOMAIN))
		virDomainUndefine(d);
	virDomainFree(d);
	virConnectClose(c);
}

/* Only a transient domain that carries bench's mark of a dead run goes; an
 * unmarked one named like bench's is someone else's. */
Test(cleanup, only_marked_domains_of_dead_runs, .timeout = 120)
{
	virConnectPtr c = need_libvirt();
	char run_id[64], marked[96], unmarked[96];
	virDomainPtr dm, du;
	bench_error err = { 0 };
	char *xml;

	snprintf(run_id, sizeof(run_id), "%ld-%lx", (long)dead_pid(), (unsigned long)time(NULL));
	run_id_object_name(run_id, 0, marked, sizeof(marked));
	run_id_object_name(run_id, 1, unmarked, sizeof(unmarked));
	/* Auto-destroyed with this connection: nothing outlives the test. */
	xml = tiny_domain_xml(marked, run_id);
	dm = virDomainCreateXML(c, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	free(xml);
	cr_assert_not_null(dm, "creating %s: %s", marked, virGetLastErrorMessage());
	xml = tiny_domain_xml(unmarked, NULL);
	du = virDomainCreateXML(c, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	free(xml);
	cr_assert_not_null(du, "creating %s: %s", unmarked, virGetLastErrorMessage());

	cr_expect_geq(vm_cleanup_stale(NULL, false, NULL, &err), 1, "%s", err.msg);
	cr_expect(!domain_exists(c, marked), "the marked domain of a dead run survived");
	cr_expect(domain_exists(c, unmarked), "an unmarked domain was removed");
	virDomainDestroy(du);
	virDomainFree(du);
	virDomainFree(dm);
	virConnectClose(c);
}

/* Trust defect 8: a killed vm run's console folder is removed and counted. */
Test(cleanup, counts_the_run_folders_it_removes, .timeout = 120)
{
	static const char *const args[] = { "cleanup", NULL };
	char tmp[] = "/tmp/cleanup-test-XXXXXX", runs[] = "/tmp/cleanup-runs-XXXXXX", dir[256], file[300];
	struct cli_run r;
	const char *line;
	int n = -1;
	FILE *f;

	SKIP_UNLESS_ROOT();
	cr_assert_not_null(mkdtemp(tmp));
	cr_assert_not_null(mkdtemp(runs));
	/* Exactly what vm_runner.c makes, for a run that is over. */
	snprintf(dir, sizeof(dir), "%s/" RUN_ID_PREFIX "%ld-%lx-vm.Ab12Cd", tmp, (long)dead_pid(),
		 (unsigned long)time(NULL));
	cr_assert_eq(mkdir(dir, 0700), 0, "%s", dir);
	snprintf(file, sizeof(file), "%s/1.sock", dir);
	f = fopen(file, "we");
	cr_assert_not_null(f);
	fclose(f);
	setenv("TMPDIR", tmp, 1);
	setenv("BENCH_RUN_DIR", runs, 1);
	run_bench(&r, NULL, args);
	line = strstr(r.out, "run folders removed: ");
	cr_assert_not_null(line, "no count of run folders: %s", r.out);
	sscanf(line, "run folders removed: %d", &n);
	cr_expect(access(dir, F_OK) != 0, "%s is still there", dir);
	/* Other dead runs may have left folders in /tmp too. */
	cr_expect_geq(n, 1, "removed %s but said: %s", dir, r.out);
	rmdir(dir);
	rmdir(tmp);
	rmdir(runs);
}
