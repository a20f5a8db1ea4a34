# The reference side of the packet differential suite: builds a case's router on the real
# kernel (router netns R, one veth per topology interface, the peer of the same name in a wire
# netns W), loads rules.v4 with iptables-legacy-restore, sends the capture's frames (from W by
# AF_PACKET; locally generated ones from a raw IP_HDRINCL socket in R) at the capture's pace,
# and records the nf_log lines (TRACE and LOG) from /dev/kmsg, the frames that left each
# interface (captured in W), `iptables-legacy-save -c` and, for conntrack cases, `conntrack -L`
# (and `conntrack -L expect`) at the points the case names. A case may run server processes
# in R (options `server=`, lib/servers.py): they are started before the first packet, their
# frames in the capture are not sent but matched to what they send. Leaves out: IPv6
# (disabled in both namespaces), NFLOG/NFQUEUE listeners (none run).

import contextlib
import ctypes
import errno
import os
import re
import select
import shlex
import shutil
import socket
import struct
import subprocess
import time

import pktlib

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
NF_LOG_RE = re.compile(r"IN=(\S*) OUT=(\S*) ")
# Outputs of one packet are collected until the next packet is due, and at least this long.
MIN_WAIT = 0.02
TAIL_WAIT = 0.4
# A conntrack snapshot "after packet N" is taken this long before packet N+1 is due.
SNAP_LEAD = 0.05
CMD_TIMEOUT = 60

_libc = ctypes.CDLL(None, use_errno=True)


class KernelError(Exception):
    pass


def run(argv, stdin=None, check=True):
    p = subprocess.run(argv, input=stdin, capture_output=True, timeout=CMD_TIMEOUT)
    if check and p.returncode:
        raise KernelError("%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                               p.stderr.decode(errors="replace").strip()))
    return p.stdout.decode(errors="replace")


def can_run():
    """None if this machine can drive the real kernel, else why not."""
    if os.geteuid() != 0:
        return "not root"
    for tool in ("ip", "nft", "iptables-legacy-restore", "iptables-legacy-save"):
        if subprocess.run(["sh", "-c", "command -v " + tool], capture_output=True).returncode:
            return "%s not found" % tool
    if not os.path.exists("/proc/sys/net/netfilter/nf_log_all_netns"):
        return "no /proc/sys/net/netfilter/nf_log_all_netns (nf_log not built)"
    name = "nfk-probe-%d" % os.getpid()
    p = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if p.returncode:
        return "ip netns add: " + p.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


class in_netns:
    """Switch this (single-threaded) process into a named netns for a block: sockets made
    inside stay in that netns."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + self.name)
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        try:
            if _libc.setns(self.home, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns back")
        finally:
            os.close(self.home)


class Kmsg:
    """/dev/kmsg from its current end."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.lost = 0

    def read(self):
        """[(level, message)] of the records logged since the last call."""
        out = []
        while True:
            try:
                rec = os.read(self.fd, 16384)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:       # overwritten before we read it
                    self.lost += 1
                    continue
                raise
            head, _, body = rec.decode("utf-8", "replace").partition(";")
            msg = body.split("\n", 1)[0]
            level = int(head.split(",")[0]) & 7
            out.append((level, msg))
        return out

    def close(self):
        os.close(self.fd)


class Recording:
    def __init__(self):
        self.trace = []         # (packet number, level, message)
        self.egress = {}        # iface -> [(packet number, bytes)]
        self.save = ""
        self.conntrack = {}     # snapshot point (packet number or "end") -> (table, expect)
        self.noise = []         # kmsg lines that were not ours
        self.late = []          # (packet number, seconds late) of sends behind schedule
        self.sent = 0
        self.lateness = []      # seconds each packet went out after its due time (all of them)

    def slip(self):
        """(seconds, packet i, packet j): how far the schedule achieved strayed from the
        capture's -- the largest error in the time between any two packets i < j, i.e. the
        spread of the per-packet lateness.  Rate limits, recent lists and timeouts see these
        intervals; a uniform delay of every packet changes none of them."""
        if len(self.lateness) < 2:
            return 0.0, 0, 0
        lo = min(range(len(self.lateness)), key=self.lateness.__getitem__)
        hi = max(range(len(self.lateness)), key=self.lateness.__getitem__)
        return self.lateness[hi] - self.lateness[lo], min(lo, hi) + 1, max(lo, hi) + 1


# The last stretch before a packet is due is waited for by spinning, not sleeping: a wakeup
# from select() can come a scheduler slice late on a busy machine.
SPIN = 0.002


@contextlib.contextmanager
def realtime_pacing():
    """Run the sends as a real-time (SCHED_FIFO) task where allowed (root): other processes
    keeping every CPU busy then delay a paced send by microseconds, not by a time slice.
    SCHED_RESET_ON_FORK: the helpers it runs (conntrack -L) are ordinary processes."""
    try:
        old = (os.sched_getscheduler(0), os.sched_getparam(0))
        os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK, os.sched_param(1))
    except (AttributeError, OSError):
        yield False
        return
    try:
        yield True
    finally:
        try:
            os.sched_setscheduler(0, old[0], old[1])
        except OSError:
            pass


class Router:
    """One case's router on the real kernel."""

    def __init__(self, topo, tag, trace_all=True, servers=None, server_cmds=(), case_dir=None,
                 real_capture=False):
        self.topo = topo
        self.real_capture = real_capture    # frames the router sent are in the capture
        self.trace_all = trace_all
        self.servers = servers          # lib/servers.ServerFlows of the capture, or None
        self.server_cmds = list(server_cmds)
        self.case_dir = case_dir
        self.procs = []
        self.r = "nfk-r-%d-%s" % (os.getpid(), tag)
        self.w = "nfk-w-%d-%s" % (os.getpid(), tag)
        self.socks = {}
        self.raw = None
        self.kmsg = None
        self.old_all_netns = None

    # -- setup / teardown -----------------------------------------------------------------
    def __enter__(self):
        try:
            self._setup()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _rsh(self, argv, stdin=None):
        return run(["ip", "netns", "exec", self.r] + argv, stdin)

    def _setup(self):
        for ns in (self.r, self.w):
            run(["ip", "netns", "add", ns])
            for k in ("all", "default"):
                run(["ip", "netns", "exec", ns, "sysctl", "-qw",
                     "net.ipv6.conf.%s.disable_ipv6=1" % k])
        for n, argv in self.topo.kernel_commands(self.w):
            if shutil.which(argv[0]) is None:
                raise KernelError("%s:%d: %s not found (apt package %s)"
                                  % (self.topo.path, n, argv[0], argv[0]))
            try:
                self._rsh(argv)
            except KernelError as e:
                raise KernelError("%s:%d: %s" % (self.topo.path, n, e))
        for name, ifc in self.topo.ifaces.items():
            run(["ip", "-n", self.w, "link", "set", name, "mtu", str(max(1500, ifc.mtu)), "up"])
        # TRACE for every packet without touching the ruleset: nftrace before raw (-300).
        self._rsh(["sh", "-c", "echo nf_log_ipv4 > /proc/sys/net/netfilter/nf_log/2"])
        if self.trace_all:
            self._rsh(["nft", "-f", "-"], stdin=(
                b"table ip nfemu_trace {\n"
                b" chain pre { type filter hook prerouting priority -350; meta nftrace set 1; }\n"
                b" chain out { type filter hook output priority -350; meta nftrace set 1; }\n"
                b"}\n"))
        with open("/proc/sys/net/netfilter/nf_log_all_netns") as f:
            cur = f.read().strip()
        if cur != "1":
            self.old_all_netns = cur
            with open("/proc/sys/net/netfilter/nf_log_all_netns", "w") as f:
                f.write("1\n")
        with in_netns(self.w):
            for name in self.topo.ifaces:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
                s.bind((name, ETH_P_ALL))
                s.setblocking(False)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                self.socks[name] = s
        with in_netns(self.r):
            self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self._start_servers()
        # Let links settle (carrier) before the first frame.
        time.sleep(0.2)

    def _listening(self):
        """The (proto, addr, port) sockets bound in R: /proc/net/tcp (LISTEN) and udp."""
        out = set()
        for proto, state in (("tcp", "0A"), ("udp", "07")):
            text = run(["ip", "netns", "exec", self.r, "cat", "/proc/net/" + proto])
            for line in text.splitlines()[1:]:
                w = line.split()
                if len(w) < 4 or w[3] != state:
                    continue
                a, p = w[1].split(":")
                addr = socket.inet_ntoa(struct.pack("<I", int(a, 16)))
                out.add((proto, addr, int(p, 16)))
        return out

    def _start_servers(self):
        """Run the case's server commands in R (cwd: the case folder) and wait until every
        `listen` line of the topology has its socket."""
        if not self.server_cmds:
            return
        for cmd in self.server_cmds:
            log = open(os.path.join("/tmp", "%s-server%d.log" % (self.r, len(self.procs))), "w")
            self.procs.append((subprocess.Popen(["ip", "netns", "exec", self.r] + shlex.split(cmd),
                                                cwd=self.case_dir, stdin=subprocess.DEVNULL,
                                                stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True), log))
        want = {(ls.proto, ls.addr, ls.port) for ls in self.topo.listens}
        deadline = time.monotonic() + 30
        while True:
            missing = want - self._listening()
            if not missing:
                return
            dead = [p for p, _ in self.procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                logs = ""
                for _, log in self.procs:
                    log.flush()
                    with open(log.name) as f:
                        logs += f.read()
                raise KernelError("server %s: %s never listened (%s)%s"
                                  % ("exited" if dead else "started", ", ".join(
                                      "%s %s:%d" % m for m in sorted(missing)),
                                     "; ".join(self.server_cmds),
                                     ":\n" + logs.strip() if logs.strip() else ""))
            time.sleep(0.05)

    def _stop_servers(self):
        for p, log in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, 15)
                    p.wait(timeout=5)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(p.pid, 9)
                    except ProcessLookupError:
                        pass
                    p.wait()
            log.close()
            try:
                os.unlink(log.name)
            except OSError:
                pass
        self.procs = []

    def __exit__(self, *exc):
        self._stop_servers()
        for s in self.socks.values():
            s.close()
        self.socks = {}
        if self.raw:
            self.raw.close()
            self.raw = None
        if self.kmsg:
            self.kmsg.close()
            self.kmsg = None
        if self.old_all_netns is not None:
            with open("/proc/sys/net/netfilter/nf_log_all_netns", "w") as f:
                f.write(self.old_all_netns + "\n")
            self.old_all_netns = None
        for ns in (self.r, self.w):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    # -- the case -------------------------------------------------------------------------
    def restore(self, rules_path):
        with open(rules_path, "rb") as f:
            self._rsh(["iptables-legacy-restore", "-w"], stdin=f.read())

    def save(self):
        out = self._rsh(["iptables-legacy-save", "-c"])
        return "".join(l + "\n" for l in out.splitlines() if not l.startswith("#"))

    def _collect(self, rec, pktno, ours):
        for name, s in self.socks.items():
            while True:
                try:
                    data, addr = s.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                if data[12:14] == b"\x08\x06":
                    continue    # ARP: the router resolving a neighbour (nfemu sends none)
                if self.servers is not None:
                    self.servers.egress(data)
                rec.egress.setdefault(name, []).append((pktno, data))
        for level, msg in self.kmsg.read():
            m = NF_LOG_RE.search(msg)
            if m and m.group(1) in ours and m.group(2) in ours:
                rec.trace.append((pktno, level, msg))
            else:
                rec.noise.append(msg)

    def conntrack_snapshot(self, expect):
        """(`conntrack -L` stdout, `conntrack -L expect` stdout or None) in R, run from this
        process switched into R (cheaper than ip netns exec: it runs between paced packets)."""
        if shutil.which("conntrack") is None:
            raise KernelError("conntrack (conntrack-tools) not found: needed by conntrack cases")
        with in_netns(self.r):
            table = run(["conntrack", "-L"])
            exp = run(["conntrack", "-L", "expect"]) if expect else None
        return table, exp

    def replay(self, frames, ct_points=(), ct_expect=False):
        """Send frames (pktlib.Frame list) at the capture's pace; return a Recording.
        ct_points: packet numbers N after which (SNAP_LEAD before packet N+1 is due) the
        conntrack table is read, and/or "end" (after the last packet's tail wait)."""
        with realtime_pacing():
            return self._replay(frames, ct_points, ct_expect)

    def _replay(self, frames, ct_points, ct_expect):
        rec = Recording()
        ours = set(self.topo.ifaces) | set(self.topo.others) | {"", "lo"}
        self.kmsg = Kmsg()
        fds = [s.fileno() for s in self.socks.values()]
        start = time.monotonic()
        t0 = frames[0].ts if frames else 0
        for i, fr in enumerate(frames):
            due = start + (fr.ts - t0) / 1e6 if fr.ts is not None else time.monotonic()
            # Wait for the previous packet's outputs until this one is due (reading the
            # conntrack table shortly before, if the case asks for it after packet i).
            snap = i in ct_points
            while True:
                self._collect(rec, i, ours)
                left = due - time.monotonic()
                if snap and left <= SNAP_LEAD:
                    rec.conntrack[i] = self.conntrack_snapshot(ct_expect)
                    snap = False
                    continue
                if left <= 0:
                    break
                if left <= SPIN:
                    while time.monotonic() < due:
                        pass
                    break
                select.select(fds, [], [], min(left - SPIN, MIN_WAIT))
            if self.servers is not None and self.servers.is_server_frame(i):
                continue        # the server process sends it (matched in _collect)
            if self.real_capture and self.topo.sent_by_router(fr.data):
                continue        # a real capture's copy of what the router sends by itself
            late = time.monotonic() - due
            rec.lateness.append(late)
            if late > 0.02:
                rec.late.append((i + 1, late))
            self._send(fr, i)
            rec.sent += 1
            # At least MIN_WAIT for this packet's outputs even when the next one is due sooner.
            end = time.monotonic() + MIN_WAIT
            while time.monotonic() < end:
                select.select(fds, [], [], MIN_WAIT / 5)
                self._collect(rec, i + 1, ours)
        end = time.monotonic() + TAIL_WAIT
        while time.monotonic() < end:
            select.select(fds, [], [], 0.05)
            self._collect(rec, len(frames), ours)
        self._collect(rec, len(frames), ours)
        if "end" in ct_points or len(frames) in ct_points:
            rec.conntrack["end"] = self.conntrack_snapshot(ct_expect)
        rec.save = self.save()
        if self.kmsg.lost:
            raise KernelError("%d kernel log records were overwritten before being read"
                              % self.kmsg.lost)
        return rec

    def _send(self, fr, i):
        data = fr.data
        if self.servers is not None:
            data = self.servers.client_frame(i, data)
        if self.topo.is_local_frame(fr.iface, data):
            # Locally generated: the IP packet goes out of a raw socket in R (uid 0).
            dst = socket.inet_ntoa(data[30:34])
            tot = struct.unpack("!H", data[16:18])[0]
            try:
                self.raw.sendto(data[14:14 + tot], (dst, 0))
            except OSError as e:
                # EPERM: a rule in OUTPUT/POSTROUTING dropped it; ENETUNREACH: no route.
                # Both are outcomes the sender sees, not harness failures.
                if e.errno not in (errno.EPERM, errno.ENETUNREACH, errno.EHOSTUNREACH,
                                   errno.EINVAL):
                    raise
        elif fr.iface in self.socks:
            try:
                self.socks[fr.iface].send(data)
            except OSError as e:
                raise KernelError("sending a %d-byte frame into %s: %s (a frame larger than "
                                  "the interface's MTU never arrives on a veth)"
                                  % (len(data), fr.iface, e.strerror))
        else:
            raise KernelError("frame on interface %r: not in the topology" % fr.iface)
