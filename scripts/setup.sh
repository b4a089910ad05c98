#!/usr/bin/env bash
# Prepares a Debian 12 host for bench: packages, the libvirt daemons,
# /dev/kvm permissions and the guest kernel cache.  Idempotent: a rerun on a
# prepared host touches nothing and takes a few seconds.
#
#   BENCH_CACHE_DIR   cache folder (default /var/cache/bench); the guest
#                     kernel goes to $BENCH_CACHE_DIR/kernel/<release>/ and
#                     $BENCH_CACHE_DIR/kernel/current points at it.
#
# The guest kernel is unpacked from Debian's cloud kernel package into the
# cache only; nothing is installed into the host's /boot.
set -euo pipefail

PACKAGES=(
	build-essential pkgconf musl-tools libcriterion-dev libjansson-dev
	libarchive-dev libhwloc-dev hwloc nettle-dev libvirt-dev
	libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients
	qemu-system-x86 gnuplot-nox libseccomp-dev linux-perf hyperfine cppcheck
	clang-tidy shellcheck git ca-certificates tini libpng-dev chromium
	clang libclang-rt-14-dev
	python3
	sysbench
	runc
	crun
	runsc
	jq
	ansible
	containerd
	fio
	libmnl-dev
	libnftables-dev
	iperf3
	sockperf
	openssh-client
	openssh-server
)
KERNEL_META=linux-image-cloud-amd64
CACHE_DIR=${BENCH_CACHE_DIR:-/var/cache/bench}
KERNEL_DIR=$CACHE_DIR/kernel
LIBVIRT_SOCK=/run/libvirt/libvirt-sock
LIBVIRT_WAIT_S=30

export DEBIAN_FRONTEND=noninteractive
LOG=$(mktemp /tmp/bench-setup.XXXXXX.log)
TMP_DIRS=()
POLICY_MADE=0 # 1 while setup's own /usr/sbin/policy-rc.d is in place
cleanup() {
	local d
	if [[ $POLICY_MADE -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
	for d in "${TMP_DIRS[@]}"; do rm -rf -- "$d"; done
	rm -f -- "$LOG"
}
trap cleanup EXIT

say() { printf 'setup: %s\n' "$*"; }
die() {
	printf 'setup: error: %s\n' "$*" >&2
	exit 1
}
# Runs a noisy command with its output in $LOG; shows the log's tail when it fails.
quiet() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 20 "$LOG" >&2
		die "'$*' failed (output above)"
	fi
}

if [[ $(id -u) -ne 0 ]]; then
	printf 'setup: error: must run as root (try: sudo %s)\n' "$0" >&2
	exit 1
fi
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

# Two setups at once (a fleet of hosts that share one machine, two shells)
# would both start the daemons, and the second virtlogd fails on the
# first's pid file: the second setup waits for the first.  Daemons are
# started with fd 9 closed, or they would hold the lock for ever.
exec 9>/run/bench-setup.lock
flock 9

APT_UPDATED=0
apt_update() {
	if [[ $APT_UPDATED -eq 0 ]]; then
		say "apt-get update"
		quiet apt-get -q update
		APT_UPDATED=1
	fi
}

# --- packages -------------------------------------------------------------
missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		[[ $status == "ii "* ]] || printf '%s\n' "$p"
	done
}

mapfile -t MISSING < <(missing_packages)
if [[ ${#MISSING[@]} -eq 0 ]]; then
	say "packages: all ${#PACKAGES[@]} installed"
else
	say "packages: installing ${MISSING[*]}"
	apt_update
	for p in "${MISSING[@]}"; do
		cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
		[[ -n $cand && $cand != "(none)" ]] ||
			die "package $p is not available from the configured apt sources (check /etc/apt/sources.list)"
	done
	# openssh-server is for the test-only sshd on 127.0.0.1 that makes this
	# host a "remote" libvirt host (tests/fixtures/remote_sshd.sh): its
	# package must not start a system-wide sshd on 0.0.0.0.  invoke-rc.d
	# and deb-systemd-invoke both obey policy-rc.d; one is put in place for
	# the install when the host has none, and removed after (by the EXIT
	# trap too, should the install fail).
	NEW_SSHD=0
	if printf '%s\n' "${MISSING[@]}" | grep -qx openssh-server; then
		NEW_SSHD=1
		if [[ ! -e /usr/sbin/policy-rc.d ]]; then
			printf '#!/bin/sh\n# bench setup: no service starts while packages install\nexit 101\n' \
				>/usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			POLICY_MADE=1
		fi
	fi
	quiet apt-get -q -y --no-install-recommends install "${MISSING[@]}"
	if [[ $POLICY_MADE -eq 1 ]]; then
		rm -f /usr/sbin/policy-rc.d
		POLICY_MADE=0
	fi
	if [[ $NEW_SSHD -eq 1 && -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
		# Nor at the next boot.
		systemctl disable ssh.service ssh.socket >>"$LOG" 2>&1 || true
	fi
	mapfile -t STILL < <(missing_packages)
	[[ ${#STILL[@]} -eq 0 ]] || die "still not installed after apt-get: ${STILL[*]}"
	say "packages: installed ${#MISSING[@]}"
fi

# --- /dev/kvm (what udev would do) -----------------------------------------
# Done before libvirtd starts: libvirt caches QEMU's capabilities keyed on
# /dev/kvm, and re-probes QEMU (~40 s) on every domain start when it can't
# use it.
if [[ -e /dev/kvm ]]; then
	getent group kvm >/dev/null || quiet groupadd --system kvm
	if [[ $(stat -c '%G %a' /dev/kvm) != "kvm 660" ]]; then
		chgrp kvm /dev/kvm
		chmod 0660 /dev/kvm
		say "/dev/kvm: set group kvm, mode 0660"
	else
		say "/dev/kvm: group kvm, mode 0660"
	fi
else
	say "/dev/kvm: absent (VMs will run under TCG emulation)"
fi

# --- libvirt daemons (no systemd here) -----------------------------------------
# True when the daemon named $1 runs, by its pid file $2 or by name.
daemon_running() {
	local name=$1 pidfile=$2 pid
	if [[ -r $pidfile ]]; then
		pid=$(<"$pidfile")
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
			[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
			return 0
		fi
	fi
	command -v pgrep >/dev/null && pgrep -x "$name" >/dev/null
}

start_daemon() {
	local name=$1 pidfile=$2
	if daemon_running "$name" "$pidfile"; then
		say "$name: running"
	elif [[ $name == libvirtd ]]; then
		# libvirtd daemonizes QEMU, whose parent then becomes PID 1.
		# Without systemd, PID 1 may reap late (seconds, in some
		# sandboxes), and libvirt counts a zombie QEMU as a running
		# domain: every VM's teardown would be timed too long.  tini -s
		# makes a subreaper that adopts and reaps QEMU at once.
		say "$name: starting under tini (subreaper for QEMU)"
		setsid tini -s -- "/usr/sbin/$name" </dev/null >/dev/null 2>&1 9>&- &
	else
		say "$name: starting"
		quiet "/usr/sbin/$name" -d 9>&-
	fi
}

start_daemon virtlogd /run/virtlogd.pid
start_daemon libvirtd /run/libvirtd.pid

libvirt_answers() {
	[[ -S $LIBVIRT_SOCK ]] &&
		timeout 10 virsh -q -c qemu:///system uri >/dev/null 2>&1
}
deadline=$((SECONDS + LIBVIRT_WAIT_S))
until libvirt_answers; do
	# One that was shutting down when looked at above is gone by now.
	daemon_running virtlogd /run/virtlogd.pid || start_daemon virtlogd /run/virtlogd.pid
	daemon_running libvirtd /run/libvirtd.pid || start_daemon libvirtd /run/libvirtd.pid
	if ((SECONDS >= deadline)); then
		die "libvirtd does not answer on $LIBVIRT_SOCK after ${LIBVIRT_WAIT_S}s (try: libvirtd -v in a shell to see why)"
	fi
	sleep 0.5
done
say "libvirtd: answers on $LIBVIRT_SOCK"

# --- containerd (no systemd here) ----------------------------------------------
# The containerd runner drives containerd through ctr.  A containerd that
# already answers on the system socket is used as it is; otherwise bench
# starts its own, with its own config, root and socket under bench's state
# folders, so that it never touches a system installation's images.
CONTAINERD_SYS_SOCK=/run/containerd/containerd.sock
CONTAINERD_DIR=/var/lib/bench/containerd
CONTAINERD_RUN=/run/bench/containerd
CONTAINERD_SOCK=$CONTAINERD_RUN/containerd.sock
CONTAINERD_WAIT_S=30
containerd_answers() {
	[[ -S $1 ]] && timeout 10 ctr -a "$1" version >/dev/null 2>&1
}
if containerd_answers "$CONTAINERD_SYS_SOCK"; then
	say "containerd: the system's answers on $CONTAINERD_SYS_SOCK"
elif containerd_answers "$CONTAINERD_SOCK"; then
	say "containerd: answers on $CONTAINERD_SOCK"
else
	mkdir -p "$CONTAINERD_DIR" "$CONTAINERD_RUN"
	chmod 0700 "$CONTAINERD_DIR" "$CONTAINERD_RUN"
	# CRI is off: bench drives containerd as the kubelet would, minus the
	# kubelet, and needs no CNI.
	cat >"$CONTAINERD_DIR/config.toml" <<EOF
version = 2
root = "$CONTAINERD_DIR/root"
state = "$CONTAINERD_RUN/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
EOF
	say "containerd: starting (config $CONTAINERD_DIR/config.toml)"
	setsid containerd --config "$CONTAINERD_DIR/config.toml" </dev/null >>"$CONTAINERD_DIR/containerd.log" 2>&1 9>&- &
	deadline=$((SECONDS + CONTAINERD_WAIT_S))
	until containerd_answers "$CONTAINERD_SOCK"; do
		if ((SECONDS >= deadline)); then
			tail -n 5 "$CONTAINERD_DIR/containerd.log" >&2
			die "containerd does not answer on $CONTAINERD_SOCK after ${CONTAINERD_WAIT_S}s (log: $CONTAINERD_DIR/containerd.log)"
		fi
		sleep 0.2
	done
	say "containerd: answers on $CONTAINERD_SOCK"
fi

# --- guest kernel --------------------------------------------------------------
# The versioned package the cloud meta package depends on, e.g.
# linux-image-6.1.0-57-cloud-amd64.
kernel_package() {
	apt-cache depends "$KERNEL_META" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}'
}

KPKG=$(kernel_package || true)
if [[ -z $KPKG ]]; then
	apt_update
	KPKG=$(kernel_package || true)
fi
[[ -n $KPKG ]] || die "cannot resolve the package behind $KERNEL_META (apt-cache depends $KERNEL_META)"
RELEASE=${KPKG#linux-image-}
DEST=$KERNEL_DIR/$RELEASE

# The virtio drivers Debian's cloud kernel builds as modules (=m), in load
# order; the guest's /init loads those a VM's devices need (vm/guest_modules.c
# names the same list).
GUEST_MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
	failover net_failover virtio_net)
modules_cached() {
	local m
	[[ -f $DEST/modules/release && $(<"$DEST/modules/release") == "$RELEASE" ]] || return 1
	for m in "${GUEST_MODULES[@]}"; do
		[[ -s $DEST/modules/$m.ko || -f $DEST/modules/$m.builtin ]] || return 1
	done
}
# Copies the modules of the unpacked package $1 into folder $2: each as
# <name>.ko (uncompressed in this package), or <name>.builtin where the
# package has it built in.
copy_modules() {
	local m f
	mkdir -p "$2"
	for m in "${GUEST_MODULES[@]}"; do
		f=$(find "$1/lib/modules/$RELEASE" -name "$m.ko" -print -quit)
		if [[ -n $f ]]; then
			cp "$f" "$2/$m.ko"
		elif grep -q "/$m.ko\$" "$1/lib/modules/$RELEASE/modules.builtin" 2>/dev/null; then
			: >"$2/$m.builtin"
		else
			die "$KPKG holds neither $m.ko nor a built-in $m"
		fi
	done
	printf '%s\n' "$RELEASE" >"$2/release"
	chmod 0755 "$2"
	chmod 0644 "$2"/*
}

if [[ -s $DEST/vmlinuz && -f $DEST/release && $(<"$DEST/release") == "$RELEASE" ]] && modules_cached; then
	say "guest kernel: $RELEASE cached in $DEST"
else
	say "guest kernel: fetching $KPKG"
	work=$(mktemp -d /tmp/bench-kernel.XXXXXX)
	TMP_DIRS+=("$work")
	# apt drops to the _apt user to download: let it write here.
	if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
	# A stale package list names a version the mirror no longer has.
	if ! (cd "$work" && apt-get -q download "$KPKG" >>"$LOG" 2>&1); then
		apt_update
		(cd "$work" && quiet apt-get -q download "$KPKG")
	fi
	deb=$(find "$work" -maxdepth 1 -name '*.deb' -print -quit)
	[[ -n $deb ]] || die "apt-get download $KPKG left no .deb"
	mkdir "$work/x"
	quiet dpkg-deb -x "$deb" "$work/x"
	[[ -s $work/x/boot/vmlinuz-$RELEASE ]] || die "$KPKG holds no boot/vmlinuz-$RELEASE"

	mkdir -p "$KERNEL_DIR"
	stage=$(mktemp -d "$KERNEL_DIR/.stage.XXXXXX")
	TMP_DIRS+=("$stage")
	cp "$work/x/boot/vmlinuz-$RELEASE" "$stage/vmlinuz"
	if [[ -f $work/x/boot/config-$RELEASE ]]; then
		cp "$work/x/boot/config-$RELEASE" "$stage/config"
	fi
	printf '%s\n' "$RELEASE" >"$stage/release"
	printf '%s\n' "$(dpkg-deb -f "$deb" Version)" >"$stage/package-version"
	chmod 0755 "$stage"
	chmod 0644 "$stage"/*
	copy_modules "$work/x" "$stage/modules"
	if [[ -s $DEST/vmlinuz && -f $DEST/release && $(<"$DEST/release") == "$RELEASE" ]]; then
		# Only the modules were missing: add them beside the kernel that
		# running VMs may be booting, which stays where it is.
		rm -rf -- "$DEST/modules"
		mv -- "$stage/modules" "$DEST/modules"
	else
		rm -rf -- "$DEST"
		mv -- "$stage" "$DEST"
	fi
	say "guest kernel: $RELEASE and its virtio modules unpacked into $DEST"
fi
if [[ $(readlink "$KERNEL_DIR/current" 2>/dev/null || true) != "$RELEASE" ]]; then
	ln -sfnT "$RELEASE" "$KERNEL_DIR/current"
fi
say "guest kernel: $KERNEL_DIR/current -> $RELEASE"
say "done"
