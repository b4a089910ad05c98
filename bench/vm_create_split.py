#!/usr/bin/python3
"""Where the vm runner's `create` phase goes, by timing the QMP traffic of
the same QEMU that libvirt starts (same machine, CPU, memory, kernel,
initramfs, -S and a QMP monitor), driven the way libvirt 9.0 drives it up to
a paused domain: process spawn to the QMP greeting, the capabilities
handshake, and the read-back of the guest CPU (qom-list of the CPU object,
then one qom-get per x86 feature property).  What is left of `create` is
libvirt's own work (XML, cgroups, namespaces, security labels, the RPC).

Alternates, ROUNDS times (argument 1, default 8): one vm runner start
(bin/bench, its create phase from --export-csv) and one QEMU start timed
here, so that both see the same load.  Prints the medians of each part, in
milliseconds, with the libvirt and QEMU versions.  A benchmark script, not
a test."""
import json, os, socket, statistics, subprocess, sys, tempfile, time

def ms(t):
    return t * 1000.0

def recv_line(f):
    while True:
        line = f.readline(1 << 20)
        if not line:
            raise SystemExit("vm_create_split: QEMU closed its monitor")
        msg = json.loads(line)
        if "event" not in msg:
            return msg

def cmd(f, s, name, args=None):
    m = {"execute": name}
    if args is not None:
        m["arguments"] = args
    s.sendall((json.dumps(m) + "\n").encode())
    r = recv_line(f)
    if "error" in r:
        raise SystemExit("vm_create_split: %s: %s" % (name, r["error"].get("desc")))
    return r.get("return")

def one_start(kernel, initrd, accel):
    d = tempfile.mkdtemp(prefix="bench-create-split.")
    path = os.path.join(d, "qmp")
    argv = ["qemu-system-x86_64", "-name", "bench-split,debug-threads=on", "-S",
            "-machine", "pc,usb=off,dump-guest-core=off", "-accel", accel,
            "-cpu", "host" if accel == "kvm" else "qemu64", "-m", "256",
            "-overcommit", "mem-lock=off", "-smp", "1,sockets=1,dies=1,cores=1,threads=1",
            "-display", "none", "-no-user-config", "-nodefaults",
            "-chardev", "socket,id=mon,path=%s,server=on,wait=off" % path,
            "-mon", "chardev=mon,mode=control", "-rtc", "base=utc", "-no-shutdown",
            "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 quiet",
            "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s = socket.socket(socket.AF_UNIX)
        while True:
            try:
                s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if p.poll() is not None or time.monotonic() - t0 > 30:
                    raise SystemExit("vm_create_split: QEMU did not start")
                time.sleep(0.0002)
        f = s.makefile("r")
        recv_line(f)                       # the greeting
        t_greet = time.monotonic()
        cmd(f, s, "qmp_capabilities")
        t_caps = time.monotonic()
        # libvirt: qemuMonitorJSONGetCPUx86Data / GetCPUProperties
        cpus = cmd(f, s, "query-cpus-fast")
        qom = cpus[0]["qom-path"]
        props = cmd(f, s, "qom-list", {"path": qom})
        n = 0
        for prop in props:
            if prop.get("type") == "bool":
                cmd(f, s, "qom-get", {"path": qom, "property": prop["name"]})
                n += 1
        for name in ("feature-words", "filtered-features"):
            cmd(f, s, "qom-get", {"path": qom, "property": name})
        t_cpu = time.monotonic()
        cmd(f, s, "quit")
        p.wait(10)
        return ms(t_greet - t0), ms(t_caps - t_greet), ms(t_cpu - t_caps), n
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.rmdir(d)

def vm_create(bench, tmp):
    csv = os.path.join(tmp, "one.csv")
    subprocess.run([bench, "run", "startup", "--runners", "vm", "--runs", "1", "--warmup", "0", "--quiet",
                    "--out", os.path.join(tmp, "res"), "--export-csv", csv],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(csv) as f:
        for line in f:
            c = line.strip().split(",")
            if len(c) == 5 and c[0] == "vm" and c[1] == "phase.create":
                return float(c[4])
    raise SystemExit("vm_create_split: no vm create phase in the run's CSV")

def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    bench = os.environ.get("BENCH_BIN", os.path.join(here, "bin", "bench"))
    cache = os.environ.get("BENCH_CACHE_DIR", "/var/cache/bench")
    kernel = os.path.join(cache, "kernel/current/vmlinuz")
    agent = os.environ.get("BENCH_AGENT", os.path.join(here, "bin", "bench-agent"))
    import hashlib, shutil
    with open(agent, "rb") as a:
        initrd = os.path.join(cache, "initramfs", hashlib.sha256(a.read()).hexdigest() + ".cpio")
    if not os.access(initrd, os.R_OK):
        raise SystemExit("vm_create_split: no initramfs %s (run: bench run startup --runners vm --runs 1)" % initrd)
    accel = "kvm" if os.access("/dev/kvm", os.W_OK) and "vmx" in open("/proc/cpuinfo").read() else "tcg"
    tmp = tempfile.mkdtemp(prefix="bench-create-split.")
    try:
        creates, parts = [], []
        for _ in range(rounds):
            creates.append(vm_create(bench, tmp))
            parts.append(one_start(kernel, initrd, accel))
    finally:
        shutil.rmtree(tmp)
    spawn = statistics.median(p[0] for p in parts)
    hand = statistics.median(p[1] for p in parts)
    cpu = statistics.median(p[2] for p in parts)
    create = statistics.median(creates)
    ver = lambda c: subprocess.run(c, capture_output=True, text=True).stdout.splitlines()[0]
    print("versions: %s; %s; accelerator %s%s" % (ver(["libvirtd", "--version"]),
          ver(["qemu-system-x86_64", "--version"]), accel, " (TCG: emulation)" if accel == "tcg" else ""))
    print("vm runner create (libvirt), median of %d: %8.1f ms" % (len(creates), create))
    print("  process spawn to QMP greeting:          %8.1f ms (%4.1f%%)" % (spawn, 100 * spawn / create))
    print("  QMP handshake (qmp_capabilities):       %8.1f ms (%4.1f%%)" % (hand, 100 * hand / create))
    print("  CPU read-back (%3d qom-get):            %8.1f ms (%4.1f%%)" % (parts[0][3], cpu, 100 * cpu / create))
    rest = create - spawn - hand - cpu
    print("  the rest (libvirt's own work):          %8.1f ms (%4.1f%%)" % (rest, 100 * rest / create))
    print("(QEMU parts: medians of %d starts of the same QEMU driven over QMP as libvirt does)" % rounds)

main()
