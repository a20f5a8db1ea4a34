#!/usr/bin/env python3
# Regenerate the captures of the replay cases (cases/*/*.pcap*) from the descriptions here.
# Standard library only (lib/capgen.py).  Addresses: the router of cases/common/topology.
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from capgen import *  # noqa: E402,F403

R_LAN_MAC, R_LAN = "02:00:00:00:01:01", "192.0.2.1"
R_WAN_MAC, R_WAN = "02:00:00:00:02:01", "198.51.100.1"
H1_MAC, H1 = "02:00:00:00:01:0a", "192.0.2.10"
GW_MAC = "02:00:00:00:02:fe"
NET1 = "203.0.113.5"
T0 = 1741003200 * 10**9                 # 2025-03-03 12:00:00 UTC
MS = 10**6


def lan(p, **k):
    return ether(R_LAN_MAC, H1_MAC, p, **k)


def wan(p, **k):
    return ether(R_WAN_MAC, GW_MAC, p, **k)


def write(case, name, data):
    with open(os.path.join(HERE, "cases", case, name), "wb") as f:
        f.write(data)


def basic():
    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0", tsresol=9)
    t = [T0 + i * 100 * MS for i in range(20)]
    ng.epb(L, t[0], lan(tcp(H1, NET1, 40000, 80, SYN)))                   # forwarded
    ng.epb(L, t[1], lan(tcp(H1, NET1, 40001, 25, SYN)))                   # FORWARD rule 4
    ng.epb(W, t[2], wan(tcp(NET1, H1, 80, 40000, SYN | ACK, seq=5, ack=1001)))
    ng.epb(L, t[3], lan(ping(H1, R_LAN)))                                 # echo reply
    ng.epb(L, t[4], lan(tcp(H1, R_LAN, 40002, 22, SYN)))                  # no listener: RST
    ng.epb(W, t[5], wan(tcp(NET1, R_WAN, 40003, 23, SYN)))                # REJECT tcp-reset
    ng.epb(W, t[6], wan(udp(NET1, R_WAN, 5000, 69)))                      # REJECT port-unreach
    ng.epb(W, t[7], wan(tcp(NET1, R_WAN, 40004, 8080, SYN)))              # LOG, policy DROP
    ng.epb(L, t[8], ether(H1_MAC, R_LAN_MAC, udp(R_LAN, H1, 5353, 5353)))  # the router's own
    ng.epb(L, t[9], ether("ff:ff:ff:ff:ff:ff", H1_MAC, b"\x00\x01\x08\x00\x06\x04\x00\x01" +
                          b"\0" * 20, ETH_P_ARP))                         # ARP: skipped
    ng.epb(L, t[10], lan(udp(H1, NET1, 5000, 53, check=0x1234)))          # bad IP checksum
    ng.epb(L, t[11], lan(udp(H1, NET1, 5001, 53, ttl=1)))                 # time exceeded
    ng.epb(W, t[12], wan(tcp(H1, NET1, 40000, 80, ACK, ttl=63)), flags=2)  # outgoing copy
    ng.epb(L, t[13], ether(R_LAN_MAC, H1_MAC, b"\x60" + b"\0" * 39, ETH_P_IPV6))
    write("basic", "capture.pcapng", ng.bytes())


def linktypes():
    """The same three packets (forwarded, dropped, to the router) in every link type."""
    pk = [tcp(H1, NET1, 40000, 80, SYN), tcp(H1, NET1, 40001, 25, SYN), ping(H1, R_LAN)]
    ts = [T0 + i * MS for i in range(3)]
    write("linktypes", "eth-vlan.pcap", pcap_bytes(LINKTYPE_ETHERNET, [
        (ts[i], lan(p, vlans=(10,) if i == 1 else ())) for i, p in enumerate(pk)]))
    write("linktypes", "eth-be-ns.pcap", pcap_bytes(LINKTYPE_ETHERNET, [
        (ts[i], lan(p)) for i, p in enumerate(pk)], order=">", nano=True))
    write("linktypes", "sll.pcap", pcap_bytes(LINKTYPE_LINUX_SLL, [
        (ts[i], sll(p, H1_MAC)) for i, p in enumerate(pk)] + [
        (ts[2] + 1, sll(udp(H1, NET1, 1, 53), H1_MAC, pkttype=PACKET_OUTGOING))]))
    write("linktypes", "sll2.pcap", pcap_bytes(LINKTYPE_LINUX_SLL2, [
        (ts[i], sll2(p, H1_MAC)) for i, p in enumerate(pk)]))
    write("linktypes", "raw.pcap", pcap_bytes(LINKTYPE_RAW, list(zip(ts, pk))))
    write("linktypes", "ipv4.pcap", pcap_bytes(LINKTYPE_IPV4, list(zip(ts, pk))))
    write("linktypes", "null.pcap", pcap_bytes(LINKTYPE_NULL, [
        (t, null(p)) for t, p in zip(ts, pk)]))
    write("linktypes", "loop.pcap", pcap_bytes(LINKTYPE_LOOP, [
        (t, loop(p)) for t, p in zip(ts, pk)]))
    for order, name in (("<", "le"), (">", "be")):
        ng = PcapNg(order)
        L = ng.interface("lan0", tsresol=0x80 | 30)     # binary resolution, 2^-30 s
        ng.epb(L, ts[0], lan(pk[0]))
        ng.unknown()
        ng.spb(lan(pk[1]))
        ng.opb(L, ts[2], lan(pk[2]))
        write("linktypes", "blocks-%s.pcapng" % name, ng.bytes())


def ingress():
    """No interface names: the ingress is where the source routes back; local sources go out."""
    pk = [tcp(H1, NET1, 40000, 80, SYN),                 # lan0 by route
          tcp(NET1, H1, 80, 40000, SYN | ACK),           # wan0 by the default route
          udp(R_WAN, NET1, 123, 123),                    # the router's own: OUTPUT
          tcp("10.99.0.1", NET1, 1, 80, SYN)]            # no route back but the default: wan0
    write("ingress", "noname.pcap", pcap_bytes(LINKTYPE_RAW, [
        (T0 + i * MS, p) for i, p in enumerate(pk)]))
    ng = PcapNg()
    E = ng.interface("eth7")                             # not in the topology
    ng.epb(E, T0, lan(pk[0]))
    write("ingress", "unknown-if.pcapng", ng.bytes())
    ng = PcapNg()
    L = ng.interface("lan0")
    ng.epb(L, T0, lan(udp(R_WAN, NET1, 123, 123)))      # a host address from H1's MAC: spoof
    ng.epb(L, T0 + MS, ether(H1_MAC, R_LAN_MAC, udp(R_WAN, H1, 123, 123)))  # the router's
    write("ingress", "spoof.pcapng", ng.bytes())


def frame_ingress():
    """A plain pcap of a router: each frame enters where its destination MAC says; broadcasts
    and multicasts on their sender's segment; the router's own frames go out through OUTPUT;
    forwarded copies are skipped.  SLL2 (index, packet type) and pcapng epb_flags too."""
    BC, NEW_MAC = "ff:ff:ff:ff:ff:ff", "02:00:00:00:01:99"
    fr = [ether(R_WAN_MAC, GW_MAC, tcp(H1, NET1, 40000, 80, SYN)),      # spoof: wan0's MAC
          ether(R_LAN_MAC, H1_MAC, tcp(H1, NET1, 40001, 80, SYN)),      # lan0's MAC
          ether(BC, H1_MAC, udp("0.0.0.0", "255.255.255.255", 68, 67)),  # DHCP, known MAC
          ether(R_LAN_MAC, NEW_MAC, ping("192.0.2.99", R_LAN)),          # learnt on lan0
          ether(BC, NEW_MAC, udp("0.0.0.0", "255.255.255.255", 68, 67)),  # DHCP, learnt MAC
          ether(BC, "02:00:00:00:01:77", udp("192.0.2.77", "192.0.2.255", 137, 137)),  # subnet
          ether("01:00:5e:00:00:fb", GW_MAC, udp("198.51.100.254", "224.0.0.251", 5353, 5353)),
          ether(H1_MAC, R_LAN_MAC, udp(R_LAN, H1, 5353, 5353)),          # the router's own
          ether(H1_MAC, R_LAN_MAC, tcp(NET1, H1, 80, 40000, SYN | ACK, ttl=63)),  # forwarded copy
          ether("02:00:00:00:01:0b", H1_MAC, tcp(H1, NET1, 40002, 80, SYN)),  # another host's
          ether(BC, "02:00:00:00:03:03", udp("0.0.0.0", "255.255.255.255", 68, 67))]  # unknown
    write("frame-ingress", "plain.pcap", pcap_bytes(LINKTYPE_ETHERNET, [
        (T0 + i * MS, f) for i, f in enumerate(fr)]))
    write("frame-ingress", "sll2.pcap", pcap_bytes(LINKTYPE_LINUX_SLL2, [
        (T0, sll2(tcp(H1, NET1, 40000, 80, SYN), GW_MAC, ifindex=3)),   # wan0 by its index
        (T0 + MS, sll2(tcp(H1, NET1, 40000, 80, SYN, ttl=63), R_WAN_MAC, ifindex=3,
                       pkttype=PACKET_OUTGOING)),                       # forwarded copy
        (T0 + 2 * MS, sll2(udp(R_WAN, NET1, 123, 123), R_WAN_MAC, ifindex=3,
                           pkttype=PACKET_OUTGOING)),                   # the router's own
        (T0 + 3 * MS, sll2(udp(R_WAN, NET1, 123, 123), GW_MAC, ifindex=3))]))  # spoofed
    write("frame-ingress", "sll.pcap", pcap_bytes(LINKTYPE_LINUX_SLL, [
        (T0, sll(udp(R_LAN, H1, 5353, 5353), R_LAN_MAC, pkttype=PACKET_OUTGOING)),
        (T0 + MS, sll(udp("0.0.0.0", "255.255.255.255", 68, 67), H1_MAC,
                      pkttype=PACKET_BROADCAST))]))
    ng = PcapNg()
    A = ng.interface()                                   # no name: the flags and MACs decide
    ng.epb(A, T0, ether(R_LAN_MAC, H1_MAC, ping(H1, R_LAN)), flags=1)
    ng.epb(A, T0 + MS, ether(H1_MAC, R_LAN_MAC, udp(R_LAN, H1, 5353, 5353)), flags=2)
    ng.epb(A, T0 + 2 * MS, ether(H1_MAC, R_LAN_MAC, tcp(NET1, H1, 80, 1, ACK)), flags=2)
    ng.epb(A, T0 + 3 * MS, ether(R_WAN_MAC, GW_MAC, tcp(NET1, H1, 80, 1, ACK)), flags=1)
    write("frame-ingress", "flags.pcapng", ng.bytes())
    # `tcpdump -i any` on the router: both directions of every interface (SLL2, index 2 =
    # lan0, 3 = wan0).  The router's echo reply and RST are in it (with the ids Linux drew):
    # the replay generates them and skips the capture's copies, naming its own.
    req = ping(H1, R_LAN)
    rep = bytearray(req)
    rep[12:16], rep[16:20] = req[16:20], req[12:16]
    rep[4:6] = b"\x12\x34"                              # another IP id: allowed to differ
    rep[20], rep[22:24] = 0, b"\0\0"
    c = csum(bytes(rep[20:]))
    rep[22:24] = struct.pack("!H", c)
    rep[10:12] = b"\0\0"
    rep[10:12] = struct.pack("!H", csum(bytes(rep[:20])))
    rst = tcp(R_LAN, H1, 22, 40002, RST | ACK, seq=0, ack=1001, win=0, df=True, ident=0)
    OUT = PACKET_OUTGOING
    write("frame-ingress", "any.pcap", pcap_bytes(LINKTYPE_LINUX_SLL2, [
        (T0, sll2(req, H1_MAC, ifindex=2)),
        (T0 + 1000, sll2(bytes(rep), R_LAN_MAC, ifindex=2, pkttype=OUT)),     # #1.1's copy
        (T0 + MS, sll2(tcp(H1, R_LAN, 40002, 22, SYN), H1_MAC, ifindex=2)),
        (T0 + MS + 1000, sll2(rst, R_LAN_MAC, ifindex=2, pkttype=OUT)),       # #3.1's copy
        (T0 + 2 * MS, sll2(tcp(H1, NET1, 40000, 80, SYN), H1_MAC, ifindex=2)),
        (T0 + 2 * MS + 1000, sll2(tcp(H1, NET1, 40000, 80, SYN, ttl=63), R_WAN_MAC, ifindex=3,
                                  pkttype=OUT)),                              # forwarded copy
        (T0 + 3 * MS, sll2(bytes(rep), R_LAN_MAC, ifindex=2, pkttype=OUT))]))  # no original


def errors():
    d = open(os.path.join(HERE, "cases", "basic", "capture.pcapng"), "rb").read()
    write("errors", "truncated.pcapng", d[:-9])
    bad = bytearray(d)
    bad[-4] ^= 0x40                                      # the last block's trailing length
    write("errors", "corrupt.pcapng", bytes(bad))
    write("errors", "not-a-capture.pcap", b"this is not a capture file at all\n")
    p = pcap_bytes(LINKTYPE_ETHERNET, [(T0, lan(tcp(H1, NET1, 40000, 80, SYN))),
                                       (T0 + MS, lan(tcp(H1, NET1, 40001, 80, SYN)))])
    write("errors", "truncated.pcap", p[:-5])


def marked():
    ng = PcapNg()
    L = ng.interface("lan0")
    ng.epb(L, T0, lan(tcp(H1, NET1, 40000, 80, SYN)))
    ng.epb(L, T0 + MS, lan(tcp(H1, NET1, 40001, 443, SYN)))
    write("marked", "capture.pcapng", ng.bytes())


def state():
    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0")
    for i in range(3):
        ng.epb(L, T0 + i * MS, lan(tcp(H1, NET1, 40000 + i, 80, SYN)))
    ng.epb(L, T0 + 3 * MS, lan(tcp(H1, NET1, 40010, 25, SYN)))
    ng.epb(W, T0 + 4 * MS, wan(tcp(NET1, R_WAN, 40004, 8080, SYN)))
    write("state", "capture.pcapng", ng.bytes())


def vlan():
    """A VLAN trunk on eth0 (cases/vlan/topology)."""
    h10, h20, hq = "02:00:00:00:01:0a", "02:00:00:00:01:0b", "02:00:00:00:01:0c"

    def qinq(dst, src, payload, outer, inner):
        return mac(dst) + mac(src) + struct.pack("!HHHHH", 0x88A8, outer, ETH_P_8021Q, inner,
                                                 ETH_P_IP) + payload
    ng = PcapNg()
    E, W, E10 = ng.interface("eth0"), ng.interface("wan0"), ng.interface("eth0.10")
    t = [T0 + i * 100 * MS for i in range(20)]
    ng.epb(E, t[0], ether(R_LAN_MAC, h10, tcp(H1, NET1, 40000, 80, SYN), vlans=(10,)))
    ng.epb(W, t[1], wan(tcp(NET1, H1, 80, 40000, SYN | ACK, seq=5, ack=1001)))
    ng.epb(E, t[2], ether(R_LAN_MAC, h20, ping("192.0.3.10", "192.0.3.1"), vlans=(20,)))
    ng.epb(E, t[3], ether(R_LAN_MAC, h10, ping(H1, R_LAN), vlans=(30,)))
    ng.epb(E, t[4], ether(R_LAN_MAC, h10, ping(H1, R_LAN, seq=2), vlans=(0,)))
    ng.epb(E, t[5], ether(R_LAN_MAC, h10, ping(H1, R_LAN, seq=3)))
    ng.epb(E, t[6], qinq(R_LAN_MAC, hq, ping("10.100.10.10", "10.100.10.1"), 100, 10))
    ng.epb(E10, t[7], ether(R_LAN_MAC, h10, tcp(H1, NET1, 40001, 443, SYN)))
    write("vlan", "trunk.pcapng", ng.bytes())
    ng = PcapNg()
    E = ng.interface("eth0")
    ng.epb(E, t[0], ether(R_LAN_MAC, h20, ping("192.0.3.10", "192.0.3.1"), vlans=(20,)))
    ng.epb(E, t[1], ether(R_LAN_MAC, h10, ping(H1, R_LAN), vlans=(10,)))
    write("vlan", "down.pcapng", ng.bytes())


def sockets():
    """The host's sockets (cases/sockets/topology: tcp 0.0.0.0:22, udp 192.0.2.1:53,
    tcp 192.0.2.1:80 as uid 33)."""
    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0")
    t = [T0 + i * 100 * MS for i in range(30)]
    ng.epb(L, t[0], lan(tcp(H1, R_LAN, 40000, 22, SYN)))                  # listening: delivered
    ng.epb(L, t[1], ether(H1_MAC, R_LAN_MAC, tcp(R_LAN, H1, 22, 40000, SYN | ACK, seq=9000,
                                                 ack=1001, df=True, ident=0)))  # sshd's SYN-ACK
    ng.epb(L, t[2], lan(tcp(H1, R_LAN, 40000, 22, ACK, seq=1001, ack=9001)))
    ng.epb(L, t[3], lan(tcp(H1, R_LAN, 40001, 23, SYN)))                  # closed: RST
    ng.epb(L, t[4], lan(udp(H1, R_LAN, 5000, 53)))                        # bound: delivered
    ng.epb(L, t[5], ether(H1_MAC, R_LAN_MAC, udp(R_LAN, H1, 53, 5000, b"answer", df=True)))
    ng.epb(L, t[6], lan(udp(H1, R_LAN, 5001, 54)))                        # closed: unreachable
    ng.epb(W, t[7], wan(tcp(NET1, R_WAN, 40002, 80, SYN)))                # 80 on .1 only: RST
    ng.epb(L, t[8], lan(tcp(H1, R_LAN, 40003, 80, SYN)))                  # web server
    ng.epb(L, t[9], ether(H1_MAC, R_LAN_MAC, tcp(R_LAN, H1, 80, 40003, SYN | ACK, seq=7000,
                                                 ack=1001, df=True, ident=0)))
    ng.epb(L, t[10], lan(tcp(H1, R_LAN, 40003, 80, ACK, seq=1001, ack=7001)))
    ng.epb(L, t[11], lan(tcp(H1, R_LAN, 40003, 80, PSH | ACK, seq=1001, ack=7001,
                             payload=b"GET / HTTP/1.0\r\n\r\n")))
    ng.epb(L, t[12], ether(H1_MAC, R_LAN_MAC, tcp(R_LAN, H1, 80, 40003, FIN | PSH | ACK,
                                                  seq=7001, ack=1019, payload=b"ok",
                                                  df=True, ident=0x100)))
    ng.epb(L, t[13], lan(tcp(H1, R_LAN, 40003, 80, FIN | ACK, seq=1019, ack=7004)))
    ng.epb(L, t[14], ether(H1_MAC, R_LAN_MAC, tcp(R_LAN, H1, 80, 40003, ACK, seq=7004,
                                                  ack=1020, df=True, ident=0)))  # TIME_WAIT
    ng.epb(L, t[15], lan(ping(H1, R_LAN)))                               # the stack answers
    write("sockets", "capture.pcapng", ng.bytes())


def bridge():
    """A bridge of lan0 and lan1 (cases/bridge/topology) and a dummy device."""
    br, h2 = "02:00:00:00:0b:01", "02:00:00:00:01:0b"
    ng = PcapNg()
    L0, L1 = ng.interface("lan0"), ng.interface("lan1")
    t = [T0 + i * 100 * MS for i in range(10)]
    ng.epb(L0, t[0], ether(br, H1_MAC, ping(H1, R_LAN)))                  # to the bridge
    ng.epb(L1, t[1], ether(H1_MAC, h2, ping("192.0.2.11", H1)))           # H2 -> H1: bridged
    ng.epb(L0, t[2], ether("02:00:00:00:09:09", H1_MAC, ping(H1, "192.0.2.12")))  # unknown
    ng.epb(L0, t[3], ether(br, "03:00:00:00:00:01", ping(H1, R_LAN)))     # multicast source
    ng.epb(L0, t[4], ether(br, H1_MAC, tcp(H1, "10.8.1.1", 40000, 80, SYN)))  # to the dummy
    ng.epb(L0, t[5], ether(br, H1_MAC, ping(H1, "10.9.9.9")))             # the dummy's address
    write("bridge", "capture.pcapng", ng.bytes())


def fates():
    """Fate wording (cases/fates/rules.v4): accepted by a rule, by the policy, rejected with
    its reply, dropped by the rule that ends a user chain."""
    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0")
    t = [T0 + i * 100 * MS for i in range(10)]
    ng.epb(L, t[0], lan(tcp(H1, NET1, 40000, 80, SYN)))                   # FORWARD rule 1
    ng.epb(L, t[1], lan(udp(H1, NET1, 5000, 123)))                        # FORWARD policy
    ng.epb(W, t[2], wan(tcp(NET1, R_WAN, 40001, 23, SYN)))                # REJECT tcp-reset
    ng.epb(W, t[3], wan(tcp(NET1, H1, 40002, 25, SYN)))                   # wan_fwd: -j DROP
    ng.epb(L, t[4], lan(ping(H1, R_LAN)))                                 # INPUT policy
    write("fates", "capture.pcapng", ng.bytes())


def ct_invalid():
    """Packets conntrack judges INVALID (or ignores), one for each reason Linux's
    nf_conntrack_log_invalid names and for the silent ones (cases/ct-invalid)."""
    def icmp(src, dst, typ, code, body, **ip):
        msg = struct.pack("!BBHI", typ, code, 0, 0) + body
        return ipv4(src, dst, 1, msg[:2] + struct.pack("!H", csum(msg)) + msg[4:], **ip)

    def flip(pkt, off):
        b = bytearray(pkt)
        b[off] ^= 0xff
        return bytes(b)

    def l4(src, dst, proto, seg):
        return ipv4(src, dst, proto, seg)

    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0")
    t = [T0 + i * 10 * MS for i in range(40)]
    p = [
        (L, tcp(H1, NET1, 41000, 80, SYN, seq=1000)),                               # 1 NEW
        (W, tcp(NET1, H1, 80, 41000, SYN | ACK, seq=5000, ack=1001)),                # 2
        (L, tcp(H1, NET1, 41000, 80, ACK, seq=1001, ack=5001)),                      # 3 ESTABLISHED
        (L, tcp(H1, NET1, 41000, 80, PSH | ACK, seq=300000, ack=5001, payload=b"x")),  # 4 SEQ over
        (L, tcp(H1, NET1, 41000, 80, ACK, seq=1001, ack=105001)),                    # 5 ACK over
        (W, tcp(NET1, H1, 80, 41000, RST | ACK, seq=10, ack=1001)),                  # 6 invalid rst
        (L, tcp(H1, NET1, 41000, 80, SYN | ACK, seq=1001, ack=5001)),                # 7 invalid state
        (L, tcp(H1, NET1, 41000, 80, SYN, seq=90000)),                               # 8 ignored
        (L, tcp(H1, NET1, 41001, 80, SYN | FIN)),                                    # 9 flags
        (L, flip(tcp(H1, NET1, 41002, 80, SYN), 36)),                                # 10 checksum
        (L, l4(H1, NET1, 6, tcp(H1, NET1, 41003, 80, SYN)[20:32] + b"\x80" +
               tcp(H1, NET1, 41003, 80, SYN)[33:40])),                               # 11 truncated
        (L, tcp(H1, NET1, 41004, 80, FIN | ACK, seq=1, ack=1)),                      # 12 invalid new
        (L, l4(H1, NET1, 6, tcp(H1, NET1, 41005, 80, SYN)[20:30])),                  # 13 short TCP
        (L, l4(H1, NET1, 17, struct.pack("!HHHH", 5000, 53, 100, 0) + b"short")),    # 14 truncated
        (L, flip(udp(H1, NET1, 5001, 53), 26)),                                      # 15 checksum
        (L, l4(H1, NET1, 17, struct.pack("!HHH", 5002, 53, 8))),                     # 16 short
        (L, l4(H1, NET1, 17, b"\x13")),                                              # 17 no tuple
        (L, udp(H1, NET1, 5003, 53)),                                                # 18 NEW
        (W, icmp(NET1, "192.0.2.20", 3, 3, udp(H1, NET1, 5003, 53)[:28])),           # 19 outer daddr
        (W, icmp(NET1, H1, 3, 3, udp(H1, NET1, 5999, 53)[:28])),                     # 20 no conntrack
        (W, icmp(NET1, H1, 0, 0, b"pong")),                                          # 21 echo reply
        (L, flip(ping(H1, NET1), 22)),                                               # 22 checksum
        (L, icmp(H1, NET1, 50, 0, b"")),                                             # 23 type
        (L, l4(H1, NET1, 1, b"\x08\x00\x00")),                                       # 24 short
        (W, icmp(NET1, H1, 3, 3, udp(H1, NET1, 5003, 53)[:10])),                     # 25 inner cut
        (L, tcp(H1, NET1, 42000, 80, SYN, seq=2000)),                                # 26 NEW
        (W, tcp(NET1, H1, 80, 42000, SYN | ACK, seq=7000, ack=2001)),                # 27
        (L, tcp(H1, NET1, 42000, 80, ACK, seq=2001, ack=7001)),                      # 28
        (L, tcp(H1, NET1, 42000, 80, PSH | ACK, seq=2001, ack=7001, payload=b"a" * 1000)),
        (W, tcp(NET1, H1, 80, 42000, ACK, seq=7001, ack=3001)),                      # 30
        (L, tcp(H1, NET1, 42000, 80, PSH | ACK, seq=(3001 - 70000) % 2**32, ack=7001,
                payload=b"b")),                                                      # 31 SEQ under
        (L, tcp(H1, NET1, 42000, 80, ACK, seq=3001, ack=(7001 - 100000) % 2**32)),    # 32 ACK under
    ]
    for i, (ifc, pkt) in enumerate(p):
        ng.epb(ifc, t[i], lan(pkt) if ifc == L else wan(pkt))
    write("ct-invalid", "capture.pcapng", ng.bytes())


def rules_text():
    """--rules-text (cases/rules-text/rules.v4): every kind of deciding rule."""
    ng = PcapNg()
    L, W = ng.interface("lan0"), ng.interface("wan0")
    t = [T0 + i * 100 * MS for i in range(10)]
    ng.epb(L, t[0], lan(tcp(H1, NET1, 40000, 80, SYN)))                   # lan_fwd rule 2
    ng.epb(L, t[1], lan(udp(H1, NET1, 5000, 53)))                         # lan_fwd rule 3
    ng.epb(L, t[2], lan(tcp("192.0.2.20", NET1, 40001, 25, SYN)))         # smtp RETURN: policy
    ng.epb(L, t[3], lan(tcp(H1, NET1, 40002, 25, SYN)))                   # smtp rule 2 REJECT
    ng.epb(W, t[4], wan(tcp(NET1, H1, 40003, 22, SYN)))                   # goto wan_fwd rule 2
    ng.epb(W, t[5], wan(tcp(NET1, H1, 80, 40000, SYN | ACK, seq=5, ack=1001)))  # wan_fwd 1
    ng.epb(W, t[6], wan(tcp(NET1, H1, 40004, 8080, SYN)))                 # goto's end: policy
    ng.epb(L, t[7], lan(ping(H1, R_LAN)))                                 # INPUT rule 1
    ng.epb(L, t[8], lan(udp(H1, NET1, 5001, 123)))                        # NFQUEUE bypass
    ng.epb(L, t[9], lan(udp(H1, NET1, 5002, 124)))                        # NFQUEUE: dropped
    write("rules-text", "capture.pcapng", ng.bytes())


if __name__ == "__main__":
    basic()
    linktypes()
    ingress()
    frame_ingress()
    errors()
    marked()
    state()
    vlan()
    sockets()
    bridge()
    fates()
    ct_invalid()
    rules_text()
