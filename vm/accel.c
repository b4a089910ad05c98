#include "accel.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool word_in_line(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= len; i++) {
		bool start = i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t';
		bool end = i + wl == len || line[i + wl] == ' ' || line[i + wl] == '\t';
		if (start && end && memcmp(line + i, word, wl) == 0)
			return true;
	}
	return false;
}

bool accel_cpuinfo_has_hw_virt(const char *cpuinfo)
{
	const char *p = cpuinfo;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 5 && strncmp(p, "flags", 5) == 0 &&
		    (word_in_line(p, len, "vmx") || word_in_line(p, len, "svm")))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

void accel_probe(struct accel_facts *facts)
{
	char *cpuinfo = slurp("/proc/cpuinfo");
	int fd;

	memset(facts, 0, sizeof(*facts));
	facts->hw_virt_flag = cpuinfo && accel_cpuinfo_has_hw_virt(cpuinfo);
	free(cpuinfo);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	facts->kvm_opens = fd >= 0;
	if (fd >= 0)
		close(fd);
	if (facts->hw_virt_flag && facts->kvm_opens)
		snprintf(facts->why, sizeof(facts->why), "vmx/svm present and /dev/kvm opens");
	else if (facts->kvm_opens)
		snprintf(facts->why, sizeof(facts->why),
			 "/dev/kvm opens but the CPU shows no vmx/svm (nested or PVM hypervisor): "
			 "a stock kernel cannot boot there");
	else if (facts->hw_virt_flag)
		snprintf(facts->why, sizeof(facts->why), "vmx/svm present but /dev/kvm does not open");
	else
		snprintf(facts->why, sizeof(facts->why), "no vmx/svm and no usable /dev/kvm");
}

int accel_choose(const char *wanted, const struct accel_facts *facts, enum vm_accel *out,
		 bench_error *err)
{
	bool kvm_ok = facts->hw_virt_flag && facts->kvm_opens;

	if (!wanted || strcmp(wanted, "auto") == 0) {
		*out = kvm_ok ? VM_ACCEL_KVM : VM_ACCEL_TCG;
		return 0;
	}
	if (strcmp(wanted, "tcg") == 0) {
		*out = VM_ACCEL_TCG;
		return 0;
	}
	if (strcmp(wanted, "kvm") == 0) {
		if (!kvm_ok)
			return bench_fail(err, 0, "--accel kvm: KVM cannot boot a guest here (%s); use --accel tcg",
					  facts->why);
		*out = VM_ACCEL_KVM;
		return 0;
	}
	return bench_fail_usage(err, "--accel: '%s' is not one of auto, kvm, tcg", wanted);
}

const char *accel_name(enum vm_accel a)
{
	return a == VM_ACCEL_KVM ? "kvm" : "tcg";
}
