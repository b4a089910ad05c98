#!/usr/bin/env bash
# Builds bench's minimal guest kernel (`make guest-kernel`, optional: the
# default guest kernel is Debian's cloud kernel that setup.sh caches).
#
# From Debian's linux-source-6.1 package: `make allnoconfig` with
# vm/guest-kernel.config as KCONFIG_ALLCONFIG (every option it does not name
# is off: no modules, virtio and the serial console built in), then bzImage.
# The result goes to $BENCH_CACHE_DIR/kernel/minimal-<key>/ (vmlinuz,
# config, release, key, source-version) where key is the sha256 of the
# fragment, the source version and this recipe's version, and
# $BENCH_CACHE_DIR/kernel/minimal points at it (`--guest-kernel minimal`);
# the source is unpacked beside it for the build only (1.5 GiB).
# A second run with the same fragment and source does nothing.
#
#   BENCH_CACHE_DIR     cache folder (default /var/cache/bench)
#   GUEST_KERNEL_JOBS   make -j (default: the number of CPUs)
#   $1                  another config fragment (default vm/guest-kernel.config)
set -euo pipefail

SRC_PKG=linux-source-6.1
BUILD_DEPS=(build-essential flex bison bc libelf-dev lz4 xz-utils)
# Bumped when the way the kernel is built changes (not the fragment).
RECIPE=1
LOCALVERSION=-bench-minimal

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FRAGMENT=$(realpath -- "${1:-$REPO/vm/guest-kernel.config}")
CACHE_DIR=${BENCH_CACHE_DIR:-/var/cache/bench}
KERNEL_DIR=$CACHE_DIR/kernel
JOBS=${GUEST_KERNEL_JOBS:-$(nproc)}

export DEBIAN_FRONTEND=noninteractive
TMP_DIRS=()
LOG=$(mktemp /tmp/bench-guest-kernel.XXXXXX.log)
cleanup() {
	local d
	for d in "${TMP_DIRS[@]}"; do rm -rf -- "$d"; done
	rm -f -- "$LOG"
}
trap cleanup EXIT

say() { printf 'guest-kernel: %s\n' "$*"; }
die() {
	printf 'guest-kernel: error: %s\n' "$*" >&2
	exit 1
}
quiet() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 30 "$LOG" >&2
		die "'$*' failed (output above)"
	fi
}

[[ $(id -u) -eq 0 ]] || die "must run as root: it installs $SRC_PKG with apt-get"
[[ -f $FRAGMENT ]] || die "config fragment $FRAGMENT not found"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "GUEST_KERNEL_JOBS='$JOBS' is not a number of jobs"

# --- the source and the tools ----------------------------------------------
missing=()
for p in "$SRC_PKG" "${BUILD_DEPS[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == "ii "* ]] || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
	say "installing ${missing[*]}"
	if ! apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install "${missing[@]}" >>"$LOG" 2>&1; then
		quiet apt-get -q -o DPkg::Lock::Timeout=300 update
		quiet apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install "${missing[@]}"
	fi
fi
VERSION=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
TARBALL=/usr/src/$SRC_PKG.tar.xz
[[ -s $TARBALL ]] || die "$SRC_PKG $VERSION installed but $TARBALL is missing"

KEY=$({
	printf 'bench guest kernel recipe %s\nsource %s %s\nlocalversion %s\n' "$RECIPE" "$SRC_PKG" "$VERSION" "$LOCALVERSION"
	cat -- "$FRAGMENT"
} | sha256sum | cut -c1-64)
NAME=minimal-${KEY:0:16}
DEST=$KERNEL_DIR/$NAME

link_current() {
	if [[ $(readlink "$KERNEL_DIR/minimal" 2>/dev/null || true) != "$NAME" ]]; then
		ln -sfnT "$NAME" "$KERNEL_DIR/minimal"
	fi
	say "$KERNEL_DIR/minimal -> $NAME ($(<"$DEST/release"))"
}

# One build at a time; what a run cut short left behind goes with the next.
mkdir -p "$KERNEL_DIR"
exec 9>"$KERNEL_DIR/.minimal.lock"
flock 9
for old in "$KERNEL_DIR"/.minimal-build.* "$KERNEL_DIR"/.minimal-stage.*; do
	if [[ -d $old ]]; then rm -rf -- "$old"; fi
done

if [[ -s $DEST/vmlinuz && -f $DEST/key && $(<"$DEST/key") == "$KEY" ]]; then
	say "cached: $SRC_PKG $VERSION, $(basename "$FRAGMENT") sha256 key ${KEY:0:16}"
	link_current
	exit 0
fi

# --- unpack (1.5 GiB, removed after the build) --------------------------------
work=$(mktemp -d "$KERNEL_DIR/.minimal-build.XXXXXX")
TMP_DIRS+=("$work")
say "unpacking $TARBALL ($VERSION)"
quiet tar -xf "$TARBALL" -C "$work"
SRC=$work/$SRC_PKG
[[ -f $SRC/Makefile ]] || die "$TARBALL holds no $SRC_PKG/Makefile"

# --- configure and build (out of tree: the source stays as unpacked) --------
build=$work/out
mkdir "$build"
kmake() {
	make -C "$SRC" O="$build" KBUILD_BUILD_USER=bench KBUILD_BUILD_HOST=bench "$@"
}
say "configuring: allnoconfig + $(basename "$FRAGMENT")"
quiet kmake KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig
# Kconfig drops a value whose dependencies are not met, with a warning
# that is easy to miss: check every line of the fragment instead.
bad=()
while IFS= read -r line; do
	[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]] || continue
	sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	if [[ $want == n ]]; then
		grep -qx "$sym=.*" "$build/.config" && bad+=("$sym (wanted n)")
	else
		grep -qxF "$sym=$want" "$build/.config" || bad+=("$sym=$want")
	fi
done <"$FRAGMENT"
((${#bad[@]} == 0)) || die "the kernel's config does not hold: ${bad[*]} (dependencies not met?)"
printf 'CONFIG_LOCALVERSION="%s"\n' "$LOCALVERSION" >>"$build/.config"
quiet kmake olddefconfig

say "building bzImage of $SRC_PKG $VERSION with make -j$JOBS (minutes)"
quiet kmake -j"$JOBS" bzImage
RELEASE=$(kmake -s kernelrelease)
[[ $RELEASE =~ ^[A-Za-z0-9._+~-]+$ ]] || die "kernelrelease '$RELEASE' is not a release string"

stage=$(mktemp -d "$KERNEL_DIR/.minimal-stage.XXXXXX")
TMP_DIRS+=("$stage")
cp -- "$build/arch/x86/boot/bzImage" "$stage/vmlinuz"
cp -- "$build/.config" "$stage/config"
cp -- "$FRAGMENT" "$stage/fragment"
printf '%s\n' "$RELEASE" >"$stage/release"
printf '%s\n' "$KEY" >"$stage/key"
printf '%s %s\n' "$SRC_PKG" "$VERSION" >"$stage/source-version"
chmod 0755 "$stage"
chmod 0644 "$stage"/*
rm -rf -- "$DEST"
mv -- "$stage" "$DEST"
say "built $RELEASE ($(stat -c %s "$DEST/vmlinuz") bytes) into $DEST"
link_current
