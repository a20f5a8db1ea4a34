# The topology file of a packet case: the `ip`, `sysctl` and `ethtool -K` lines a Linux user
# types to build the router (issue 3 item 2; grammar in docs/testing-kernel.md), and `listen`
# lines naming the sockets of the case's server processes. Parses and checks the lines, and
# turns them into the commands that build the same router in a real network namespace, each
# veth interface being one end of a pair whose other end, of the same name, lives in the
# "wire" namespace (dummy, bridge and VLAN devices are the router's alone; `ip rule` and
# `ip route` lines go through as they are). Leaves out: any `ip` verb or option outside that
# grammar.

import ipaddress
import os
import re
import shlex
import socket
import struct

MAC_RE = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")


class TopologyError(Exception):
    pass


# ethtool -K feature names a topology may switch (a veth has them all on by default).
ETHTOOL_FEATURES = ("tx", "rx", "sg", "tso", "gso", "gro")


class Iface:
    def __init__(self, name, mac, mtu):
        self.name, self.mac, self.mtu = name, mac, mtu
        self.features = {}      # ethtool -K settings: name -> on (True) / off (False)


class Listen:
    """A `listen tcp|udp ADDR:PORT [uid N] [gid N]` line: a socket the router's server
    process (options `server=`) holds; nfemu gets the same socket from the line."""

    def __init__(self, proto, addr, port, uid, gid):
        self.proto, self.addr, self.port, self.uid, self.gid = proto, addr, port, uid, gid

    def owns(self, proto, src, sport):
        """Whether a packet from src:sport (proto 6/17) was sent by this socket."""
        return ({6: "tcp", 17: "udp"}.get(proto) == self.proto and sport == self.port and
                (self.addr == "0.0.0.0" or src == self.addr))


# Route types and the words `ip route add` takes after the prefix (passed on as they are).
ROUTE_TYPES = ("unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit",
               "throw", "anycast")
ROUTE_OPTS = ("via", "dev", "src", "metric", "table", "proto", "scope")


class Topology:
    def __init__(self, path):
        self.path = path
        self.lines = []         # (lineno, argv) of every command line, in file order
        self.ifaces = {}        # name -> Iface (the veth interfaces the file creates)
        self.others = {}        # name -> MAC or None: dummy, bridge and vlan devices
        self.addrs = []         # (ifname, ipaddress.IPv4Interface)
        self.listens = []       # Listen: the router's sockets (not run on the kernel)
        self.lo_up = False
        with open(path) as f:
            for n, raw in enumerate(f, 1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                try:
                    argv = shlex.split(line)
                except ValueError as e:
                    raise TopologyError("%s:%d: %s" % (path, n, e))
                self._check(n, argv)
                self.lines.append((n, argv))

    def _err(self, n, msg):
        raise TopologyError("%s:%d: %s" % (self.path, n, msg))

    def _iface(self, n, name):
        if name != "lo" and name not in self.ifaces and name not in self.others:
            self._err(n, "unknown interface '%s' (create it first with ip link add)" % name)

    def _check(self, n, a):
        if a[:3] == ["ip", "link", "add"] and ("type", "dummy") in zip(a, a[1:]) or \
                ("type", "bridge") in zip(a, a[1:]):
            # ip link add NAME [address MAC] type dummy|bridge [stp_state 0] [mcast_snooping 0]:
            # a device of the router alone
            t = a.index("type")
            opts = a[t + 2:]
            if t not in (4, 6) or not IFNAME_RE.match(a[3]) or \
                    (t == 6 and (a[4] != "address" or not MAC_RE.match(a[5]))) or \
                    len(opts) % 2 or any(k not in ("stp_state", "mcast_snooping")
                                         for k in opts[::2]):
                self._err(n, "usage: ip link add NAME [address MAC] type dummy|bridge "
                             "[stp_state 0] [mcast_snooping 0]")
            if a[3] in self.ifaces or a[3] in self.others:
                self._err(n, "interface %s already exists" % a[3])
            self.others[a[3]] = a[5].lower() if t == 6 else None
        elif a[:4] == ["ip", "link", "add", "link"]:
            # ip link add link DEV name NAME type vlan id N: a VLAN device (no 8021q here: the
            # kernel refuses it, so only nfemu's scenario tests use it)
            if len(a) < 11 or a[5] != "name" or a[7:9] != ["type", "vlan"] or a[9] != "id":
                self._err(n, "usage: ip link add link DEV name NAME type vlan id N")
            self._iface(n, a[4])
            self.others[a[6]] = None
        elif a[:3] == ["ip", "link", "add"]:
            # ip link add NAME address MAC [mtu N] type veth
            if len(a) < 4 or not IFNAME_RE.match(a[3]) or a[3] == "lo":
                self._err(n, "ip link add: bad interface name")
            name, mac, mtu, i = a[3], None, 1500, 4
            while i < len(a):
                if a[i] == "address" and i + 1 < len(a) and MAC_RE.match(a[i + 1]):
                    mac = a[i + 1].lower()
                elif a[i] == "mtu" and i + 1 < len(a) and a[i + 1].isdigit():
                    mtu = int(a[i + 1])
                elif a[i] == "type" and i + 1 < len(a) and a[i + 1] == "veth":
                    pass
                else:
                    self._err(n, "ip link add: unexpected '%s'" % a[i])
                i += 2
            if a[-2:] != ["type", "veth"]:
                self._err(n, "ip link add: must end with 'type veth'")
            if mac is None:
                self._err(n, "ip link add: 'address MAC' is required")
            if name in self.ifaces:
                self._err(n, "interface %s already exists" % name)
            self.ifaces[name] = Iface(name, mac, mtu)
        elif a[:3] == ["ip", "link", "set"]:
            # ip link set [dev] NAME (up|down|mtu N|address MAC)...
            i = 3
            if i < len(a) and a[i] == "dev":
                i += 1
            if i >= len(a):
                self._err(n, "ip link set: interface name missing")
            name = a[i]
            self._iface(n, name)
            i += 1
            if i >= len(a):
                self._err(n, "ip link set: nothing to set")
            while i < len(a):
                if a[i] in ("up", "down"):
                    if name == "lo":
                        self.lo_up = a[i] == "up"
                    i += 1
                elif a[i] == "mtu" and i + 1 < len(a) and a[i + 1].isdigit():
                    if name != "lo":
                        self.ifaces[name].mtu = int(a[i + 1])
                    i += 2
                elif a[i] == "address" and i + 1 < len(a) and MAC_RE.match(a[i + 1]):
                    if name in self.ifaces:
                        self.ifaces[name].mac = a[i + 1].lower()
                    elif name in self.others:
                        self.others[name] = a[i + 1].lower()
                    i += 2
                elif a[i] == "master" and i + 1 < len(a):
                    self._iface(n, a[i + 1])
                    i += 2
                elif a[i] == "nomaster":
                    i += 1
                else:
                    self._err(n, "ip link set: unexpected '%s'" % a[i])
        elif a[:3] == ["ip", "addr", "add"]:
            # ip addr add A/N dev NAME [broadcast B]
            if len(a) not in (6, 8) or a[4] != "dev" or (len(a) == 8 and a[6] != "broadcast"):
                self._err(n, "usage: ip addr add A/N dev NAME [broadcast B]")
            try:
                ifa = ipaddress.IPv4Interface(a[3])
                if len(a) == 8:
                    ipaddress.IPv4Address(a[7])
            except ValueError as e:
                self._err(n, str(e))
            self._iface(n, a[5])
            self.addrs.append((a[5], ifa))
        elif a[:3] == ["ip", "route", "add"]:
            # ip route add [TYPE] PREFIX|default [via GW] [dev NAME] [src A] [metric N]
            #              [table T] [proto P] [scope S]
            i = 4 if len(a) > 3 and a[3] in ROUTE_TYPES else 3
            if len(a) <= i:
                self._err(n, "ip route add: destination missing")
            if a[i] != "default":
                try:
                    ipaddress.IPv4Network(a[i])
                except ValueError as e:
                    self._err(n, str(e))
            i += 1
            while i < len(a):
                if i + 1 >= len(a) or a[i] not in ROUTE_OPTS:
                    self._err(n, "ip route add: unexpected '%s'" % a[i])
                if a[i] == "dev":
                    self._iface(n, a[i + 1])
                i += 2
        elif a[:3] == ["ip", "rule", "add"]:
            # ip rule add SELECTOR... ACTION: passed on; devices named must exist here
            for k, w in enumerate(a[:-1]):
                if w in ("iif", "oif", "dev"):
                    self._iface(n, a[k + 1])
        elif a[0] == "listen":
            # listen tcp|udp ADDR:PORT [uid N] [gid N]: the server process's socket
            m = re.match(r"^(\d+\.\d+\.\d+\.\d+):(\d+)$", a[2]) if len(a) >= 3 else None
            if len(a) not in (3, 5, 7) or a[1] not in ("tcp", "udp") or not m:
                self._err(n, "usage: listen tcp|udp ADDR:PORT [uid N] [gid N]")
            ids = {"uid": 0, "gid": 0}
            for k, v in zip(a[3::2], a[4::2]):
                if k not in ids or not v.isdigit():
                    self._err(n, "listen: want uid N / gid N, not '%s %s'" % (k, v))
                ids[k] = int(v)
            self.listens.append(Listen(a[1], m.group(1), int(m.group(2)), ids["uid"], ids["gid"]))
        elif a[:3] == ["ip", "neigh", "add"]:
            # ip neigh add A lladdr MAC dev NAME [nud permanent]
            if not (len(a) in (8, 10) and a[4] == "lladdr" and MAC_RE.match(a[5]) and
                    a[6] == "dev" and (len(a) == 8 or a[8:] == ["nud", "permanent"])):
                self._err(n, "usage: ip neigh add A lladdr MAC dev NAME [nud permanent]")
            self._iface(n, a[7])
        elif a[:2] == ["ethtool", "-K"]:
            # ethtool -K NAME FEATURE on|off [FEATURE on|off]...   (offloads of a veth)
            if len(a) < 5 or len(a) % 2 == 0:
                self._err(n, "usage: ethtool -K NAME FEATURE on|off [FEATURE on|off]...")
            if a[2] not in self.ifaces:
                self._err(n, "ethtool -K: unknown interface '%s' (a veth of this file)" % a[2])
            for feat, val in zip(a[3::2], a[4::2]):
                if feat not in ETHTOOL_FEATURES or val not in ("on", "off"):
                    self._err(n, "ethtool -K: want FEATURE on|off with FEATURE one of %s, "
                                 "not '%s %s'" % (", ".join(ETHTOOL_FEATURES), feat, val))
                self.ifaces[a[2]].features[feat] = val == "on"
        elif a[:2] == ["sysctl", "-w"]:
            if len(a) != 3 or "=" not in a[2]:
                self._err(n, "usage: sysctl -w KEY=VALUE")
        elif a[0] == "modprobe":
            # modprobe NAME...: a module no rule loads on its own (nf_nat_ftp)
            if len(a) < 2 or any(not re.match(r"^[A-Za-z0-9_-]+$", m) for m in a[1:]):
                self._err(n, "usage: modprobe NAME...")
        else:
            self._err(n, "unknown command: %s" % " ".join(a))

    def host_addresses(self):
        """The router's own IPv4 addresses (what makes a captured packet locally generated)."""
        out = {str(i.ip) for _, i in self.addrs}
        if self.lo_up:
            out.add("127.0.0.1")
        return out

    def sent_by_router(self, frame):
        """Whether an Ethernet frame's source MAC is one of the router's interfaces'."""
        src_mac = ":".join("%02x" % b for b in frame[6:12])
        return any(i.mac == src_mac for i in self.ifaces.values())

    def is_local_frame(self, iface, frame):
        """Whether a captured frame was sent by the router itself: an IPv4 packet whose
        source is one of the router's addresses, in a frame whose source MAC is one of the
        router's interfaces' (or any frame captured on lo). A frame from elsewhere that
        merely claims a router address as its source (a spoof) arrives on the wire."""
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or (frame[14] >> 4) != 4:
            return False
        if ipaddress.IPv4Address(frame[26:30]).exploded not in self.host_addresses():
            return False
        if iface == "lo":
            return True
        src_mac = ":".join("%02x" % b for b in frame[6:12])
        return any(i.mac == src_mac for i in self.ifaces.values()) or \
            src_mac in self.others.values()

    def server_socket(self, iface, frame):
        """The listen line whose socket sent this captured frame (one of the router's own,
        from a listening address and port), or None."""
        if not self.is_local_frame(iface, frame):
            return None
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        if len(ip) < ihl + 4 or struct.unpack("!H", ip[6:8])[0] & 0x1FFF:
            return None
        src = socket.inet_ntoa(ip[12:16])
        sport = struct.unpack("!H", ip[ihl:ihl + 2])[0]
        for ls in self.listens:
            if ls.owns(ip[9], src, sport):
                return ls
        return None

    def kernel_commands(self, wire_ns):
        """(lineno, argv) to run inside the router namespace, in file order: each veth gets its
        peer, of the same name, created in wire_ns."""
        out = []
        for n, a in self.lines:
            if a[0] == "listen":
                continue        # the server process makes the socket (options server=)
            if a[:3] == ["ip", "link", "add"] and a[-2:] == ["type", "veth"]:
                a = a + ["peer", "name", a[3], "netns", wire_ns]
            if a[0] == "modprobe" and not os.path.exists("/proc/modules"):
                # a kernel without loadable modules has the netfilter ones built in
                continue
            out.append((n, a))
        return out
