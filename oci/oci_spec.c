/* config.json for an OCI runtime (oci_spec.h). */
#include "oci_spec.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "../lib/hardened_rules.h"

int oci_profile_parse(const char *name, bool *hardened, bench_error *err)
{
	*hardened = false;
	if (!name || strcmp(name, "plain") == 0)
		return 0;
	if (strcmp(name, "hardened") != 0)
		return bench_fail_usage(err, "oci: unknown profile '%s' (plain or hardened)", name);
	*hardened = true;
	return 0;
}

/* json_array_append_new and json_object_set_new take the reference even
 * when they fail; a NULL value makes them fail, so one check at the end of
 * a build catches any allocation that failed on the way. */
static bool add(json_t *arr, json_t *v)
{
	return json_array_append_new(arr, v) == 0;
}

static bool set(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v) == 0;
}

static json_t *strings(const char *const *s, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = add(a, json_string(s[i]));
	if (!ok)
		json_decref(a);
	return ok ? a : NULL;
}

static json_t *capabilities(bool hardened, int caps_known, uint64_t caps_held)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable" };
	const struct hardened_rules *r = hardened_rules();
	const struct hardened_cap *caps = r->caps_kept;
	size_t n = r->n_caps_kept;
	json_t *names = json_array(), *obj = json_object();
	bool ok = names && obj;

	/* The plain container keeps root's full set, as bench's plain one. */
	if (!hardened)
		caps = hardened_all_caps(&n);
	for (size_t i = 0; ok && i < n; i++)
		if ((caps_known <= 0 || caps[i].nr < caps_known) && (!caps_held || (caps_held >> caps[i].nr) & 1))
			ok = add(names, json_string(caps[i].name));
	for (size_t i = 0; ok && i < sizeof(sets) / sizeof(sets[0]); i++)
		ok = set(obj, sets[i], json_deep_copy(names));
	json_decref(names);
	if (!ok)
		json_decref(obj);
	return ok ? obj : NULL;
}

static json_t *syscall_rule(json_t *names, int errno_ret, json_t *args)
{
	json_t *r = json_object();
	bool ok = r != NULL;

	ok = ok && set(r, "names", names);
	ok = ok && set(r, "action", json_string("SCMP_ACT_ERRNO"));
	ok = ok && set(r, "errnoRet", json_integer(errno_ret));
	if (args)
		ok = ok && set(r, "args", args);
	if (!ok) {
		json_decref(r);
		return NULL;
	}
	return r;
}

/* The same filter as bench's hardened container (container/profile.c):
 * allow by default; the denied calls get EPERM; clone with a namespace
 * flag gets EPERM; clone3 gets ENOSYS. */
static json_t *seccomp(void)
{
	const struct hardened_rules *r = hardened_rules();
	json_t *s = json_object(), *rules = json_array(), *denied = json_array();
	bool ok = s && rules && denied;

	for (size_t i = 0; ok && i < r->n_denied; i++) {
		int nr = seccomp_syscall_resolve_name(r->denied_syscalls[i]);

		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		ok = add(denied, json_string(r->denied_syscalls[i]));
	}
	ok = ok && add(rules, syscall_rule(denied, EPERM, NULL));
	denied = NULL;
	for (size_t i = 0; ok && i < r->n_clone_ns_flags; i++) {
		json_t *arg = json_object(), *args = json_array();

		ok = arg && args && set(arg, "index", json_integer(0)) &&
		     set(arg, "value", json_integer((json_int_t)r->clone_ns_flags[i])) &&
		     set(arg, "valueTwo", json_integer((json_int_t)r->clone_ns_flags[i])) &&
		     set(arg, "op", json_string("SCMP_CMP_MASKED_EQ"));
		ok = ok && add(args, arg);
		arg = NULL;
		ok = ok && add(rules, syscall_rule(json_pack("[s]", "clone"), EPERM, args));
		args = NULL;
		json_decref(arg);
		json_decref(args);
	}
	ok = ok && add(rules, syscall_rule(json_pack("[s]", "clone3"), ENOSYS, NULL));
	ok = ok && set(s, "defaultAction", json_string("SCMP_ACT_ALLOW"));
	ok = ok && set(s, "syscalls", rules);
	rules = NULL;
	json_decref(denied);
	json_decref(rules);
	if (!ok) {
		json_decref(s);
		return NULL;
	}
	return s;
}

static json_t *mounts(const struct oci_spec_params *p)
{
	json_t *m = json_pack("[{s:s,s:s,s:s,s:[sss]},{s:s,s:s,s:s,s:[ssss]}]", "destination", "/proc", "type",
			      "proc", "source", "proc", "options", "nosuid", "noexec", "nodev", "destination", "/dev",
			      "type", "tmpfs", "source", "tmpfs", "options", "nosuid", "strictatime", "mode=755",
			      "size=65536k");

	/* The same options as bench's container gives its hostPath folder. */
	if (m && p->bind_dir &&
	    json_array_append_new(m, json_pack("{s:s,s:s,s:s,s:[ssss]}", "destination", OCI_DISK_DIR, "type", "bind",
					       "source", p->bind_dir, "options", "rbind", "rw", "nosuid",
					       "nodev")) != 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

static json_t *resources(const struct oci_spec_params *p)
{
	json_t *res = json_object(), *cpu = json_object();
	bool ok = res && cpu;

	if (ok && p->cpu_quota_us > 0) {
		ok = set(cpu, "quota", json_integer(p->cpu_quota_us)) &&
		     set(cpu, "period", json_integer(p->cpu_period_us > 0 ? p->cpu_period_us : 100000));
	}
	if (ok && p->cpus && *p->cpus)
		ok = set(cpu, "cpus", json_string(p->cpus));
	if (ok && json_object_size(cpu) > 0) {
		ok = set(res, "cpu", cpu);
		cpu = NULL;
	}
	if (ok && p->memory_bytes > 0)
		ok = set(res, "memory", json_pack("{s:I}", "limit", (json_int_t)p->memory_bytes));
	if (ok && p->pids_max > 0)
		ok = set(res, "pids", json_pack("{s:I}", "limit", (json_int_t)p->pids_max));
	json_decref(cpu);
	if (!ok) {
		json_decref(res);
		return NULL;
	}
	return res;
}

static json_t *linux_section(const struct oci_spec_params *p)
{
	const struct hardened_rules *r = hardened_rules();
	json_t *lx = json_object();
	bool ok = lx != NULL;

	ok = ok && set(lx, "namespaces",
		       json_pack("[{s:s},{s:s},{s:s},{s:s},{s:s},{s:s}]", "type", "pid", "type", "network", "type",
				 "ipc", "type", "uts", "type", "mount", "type", "cgroup"));
	ok = ok && set(lx, "resources", resources(p));
	if (ok && p->cgroups_path && *p->cgroups_path)
		ok = set(lx, "cgroupsPath", json_string(p->cgroups_path));
	if (ok && p->hardened) {
		ok = set(lx, "maskedPaths", strings(r->masked_paths, r->n_masked)) &&
		     set(lx, "readonlyPaths", strings(r->readonly_paths, r->n_readonly)) &&
		     set(lx, "seccomp", seccomp());
	}
	if (!ok) {
		json_decref(lx);
		return NULL;
	}
	return lx;
}

json_t *oci_spec_build(const struct oci_spec_params *p, bench_error *err)
{
	json_t *spec = json_object(), *proc = json_object(), *args = json_array();
	bool ok = spec && proc && args;
	size_t argc = 0;

	if (!p->argv || !p->argv[0] || !p->hostname || !p->rootfs) {
		json_decref(spec);
		json_decref(proc);
		json_decref(args);
		return bench_fail(err, EINVAL, "oci: a spec needs argv, hostname and rootfs"), NULL;
	}
	while (p->argv[argc])
		argc++;
	ok = ok && set(proc, "terminal", json_false());
	ok = ok && set(proc, "user", json_pack("{s:i,s:i}", "uid", 0, "gid", 0));
	for (size_t i = 0; ok && i < argc; i++)
		ok = add(args, json_string(p->argv[i]));
	ok = ok && set(proc, "args", args);
	args = NULL;
	ok = ok && set(proc, "env", json_pack("[s]", "PATH=/"));
	ok = ok && set(proc, "cwd", json_string("/"));
	ok = ok && set(proc, "capabilities", capabilities(p->hardened, p->caps_known, p->caps_held));
	ok = ok && set(proc, "noNewPrivileges", json_boolean(p->hardened));
	ok = ok && set(spec, "ociVersion", json_string("1.0.2"));
	ok = ok && set(spec, "process", proc);
	proc = NULL;
	ok = ok && set(spec, "root", json_pack("{s:s,s:b}", "path", p->rootfs, "readonly", 1));
	ok = ok && set(spec, "hostname", json_string(p->hostname));
	ok = ok && set(spec, "mounts", mounts(p));
	ok = ok && set(spec, "linux", linux_section(p));
	json_decref(proc);
	json_decref(args);
	if (!ok) {
		json_decref(spec);
		return bench_fail(err, ENOMEM, "oci: building config.json"), NULL;
	}
	return spec;
}
