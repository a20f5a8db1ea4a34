#!/usr/bin/env python3
# The traffic of pcaps/router (README.md says what happens to each packet): run it to rewrite
# capture.pcapng next to it. tests/kernel/packet/cases/72-home-router/packets.py writes the
# same frames as that case's packets.pcapng (every outcome is deterministic: MASQUERADE and
# SNAT without --random-fully keep the ports; the hairpin's packets are 0.5 s apart so the
# redirect rate limit -- 20 ms << n per source host -- lets every redirect through).
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from natflow import (dns_query, dns_answer, Capture, Flow, Side, sender, udp_from, ipv4, echo, tcp_pkt,  # noqa: E402
                     icmp_pkt, SYN, ACK, PSH, FIN, SYN_OPTS, opt_mss)

LAN_MAC, LAN_IP = "e4:8d:8c:1a:2b:01", "192.168.1.1"
WAN_MAC, WAN_IP = "e4:8d:8c:1a:2b:02", "203.0.113.45"
GW, GW_MAC = "203.0.113.1", "00:00:5e:00:01:01"
NAS, NAS_MAC = "192.168.1.10", "00:11:32:0a:0b:0c"
CONSOLE, CONSOLE_MAC = "192.168.1.50", "7c:bb:8a:11:22:33"
LAPTOP, LAPTOP_MAC = "192.168.1.100", "3c:22:fb:44:55:66"
# The internet, beyond the ISP's gateway.
WEB = "198.51.100.80"        # an HTTPS site
DNS = "198.51.100.53"        # a public resolver
NTP = "198.51.100.123"       # a time server
SSHSRV = "198.51.100.22"     # a shell account
MAIL = "198.51.100.25"       # an SMTP server
FRIEND = "192.0.2.77"        # uses the NAS's web server through the port forward
GAMER = "192.0.2.88"         # plays with the console
SCANNER = "192.0.2.66"
BRUTE = "192.0.2.99"         # guesses ssh passwords

from_net = sender("eth1", GW_MAC, WAN_MAC)
from_laptop = sender("eth0", LAPTOP_MAC, LAN_MAC)
from_nas = sender("eth0", NAS_MAC, LAN_MAC)
from_console = sender("eth0", CONSOLE_MAC, LAN_MAC)
from_router_wan = sender("eth1", WAN_MAC, GW_MAC)      # the router's own, out of the uplink


def ntp_client():
    return bytes([0x23]) + bytes(47)          # LI 0, version 4, mode 3 (client)


def ntp_server():
    return bytes([0x24, 2, 6, 0xe9]) + bytes(44)   # version 4, mode 4 (server), stratum 2


def build():
    c = Capture()
    # A. The laptop browses an HTTPS site: masqueraded to 203.0.113.45 (port 51000 kept);
    # the SYN's MSS 1460 is clamped to 1452 (uplink MTU 1492).
    a = Flow(c, Side(LAPTOP, 51000, WEB, 443, from_laptop, ident=0x2000),
             Side(WEB, 443, WAN_IP, 51000, from_net, ttl=55, ident=0x6100),
             cisn=1000000, sisn=5000000)
    a.c(SYN, options=SYN_OPTS)                                                       # 1
    a.s(SYN | ACK, options=opt_mss(1400) + b"\x04\x02\x01\x03\x03\x07", win=65535)  # 2
    a.c(ACK, win=502)                                                                # 3
    seg = a.c(PSH | ACK, b"\x16\x03\x01" + b"\x00" * 1297, win=502)                  # 4
    # B. A router beyond the gateway cannot forward that 1340-byte packet (MTU 1300): its
    # "fragmentation needed" quotes the packet as masqueraded; conntrack finds it RELATED
    # and the router rewrites outer and quoted addresses for the laptop.
    # (its IP header as it reached that router: source 203.0.113.45, TTL 62; the 8 bytes of
    # TCP header an ICMP error quotes do not include the checksum NAT changed)
    ident = struct.unpack("!H", seg[4:6])[0]
    quoted = ipv4(WAN_IP, WEB, 6, seg[20:], ttl=62, ident=ident, df=True)
    from_net(c, icmp_pkt("198.51.100.1", WAN_IP, 3, 4, 1300, bytes(quoted[:28]), ttl=60,
                         ident=0x0a0a))                                              # 5
    a.s(ACK, win=509)                                                                # 6

    # C. The laptop asks a public resolver (UDP, masqueraded, port 53123 kept).
    q = Side(LAPTOP, 53123, DNS, 53, from_laptop, ident=0x2010)
    from_laptop(c, udp_from(q, dns_query(0x4242, "nas.example.test")))              # 7
    r = Side(DNS, 53, WAN_IP, 53123, from_net, ttl=57, ident=0x7700)
    from_net(c, udp_from(r, dns_answer(0x4242, "nas.example.test", WAN_IP)))         # 8
    # D. The laptop asks the router for the time: not tracked (raw CT --notrack); no NTP
    # server runs here, so the router answers port unreachable.
    from_laptop(c, udp_from(Side(LAPTOP, 123, LAN_IP, 123, from_laptop, ident=0x2011),
                            ntp_client()))                                           # 9
    # E. The router asks a time server itself: OUTPUT, then MASQUERADE (already its address:
    # port 123 kept); the answer is ESTABLISHED, and with no NTP client socket here the
    # router answers it with port unreachable.
    from_router_wan(c, udp_from(Side(WAN_IP, 123, NTP, 123, from_router_wan, ident=0x0100),
                                ntp_client()))                                       # 10
    from_net(c, udp_from(Side(NTP, 123, WAN_IP, 123, from_net, ttl=58, ident=0x7800),
                         ntp_server()))                                              # 11

    # F. A friend opens the NAS's web server through the port forward 8080 -> 192.168.1.10:80.
    # The NAS's SYN/ACK has MSS 1460: clamped to 1452 on its way out.
    f = Flow(c, Side(FRIEND, 40000, WAN_IP, 8080, from_net, ttl=52, ident=0x3000),
             Side(NAS, 80, FRIEND, 40000, from_nas, ident=0x0400), cisn=2000000, sisn=6000000)
    f.c(SYN, options=opt_mss(1400) + b"\x04\x02\x01\x03\x03\x07")                    # 12
    f.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 13
    f.c(ACK, win=502)                                                                # 14
    f.c(PSH | ACK, b"GET / HTTP/1.1\r\nHost: nas.example.test:8080\r\n\r\n", win=502)  # 15
    f.s(PSH | ACK, b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnas\n", win=509)    # 16

    # G. Someone plays with the console: UDP 3074 forwarded, the console answers.
    g_c = Side(GAMER, 3074, WAN_IP, 3074, from_net, ttl=50, ident=0x3100)
    from_net(c, udp_from(g_c, b"\x01game-hello"))                                    # 17
    g_s = Side(CONSOLE, 3074, GAMER, 3074, from_console, ident=0x0500)
    from_console(c, udp_from(g_s, b"\x02game-welcome"))                              # 18

    # H. The laptop opens the NAS through the public address (NAT reflection): DNAT to the
    # NAS and SNAT to 192.168.1.1, in and out of eth0 -- so the router also sends ICMP
    # redirects (to the laptop for its packets, to the NAS for the NAS's), 0.5 s apart.
    h = Flow(c, Side(LAPTOP, 51100, WAN_IP, 8080, from_laptop, ident=0x2020),
             Side(NAS, 80, LAN_IP, 51100, from_nas, ident=0x0410), cisn=1100000, sisn=6100000)
    h.c(SYN, options=SYN_OPTS, gap=0.5)                                              # 19
    h.s(SYN | ACK, options=SYN_OPTS, win=65160, gap=0.5)                             # 20
    h.c(ACK, win=502, gap=0.5)                                                       # 21
    h.c(PSH | ACK, b"GET / HTTP/1.1\r\nHost: 203.0.113.45:8080\r\n\r\n", win=502, gap=0.5)  # 22
    h.s(PSH | ACK, b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnas\n", win=509, gap=0.5)  # 23

    # I. From outside: a telnet probe of the router (logged "in-drop: ", dropped) ...
    Flow(c, Side(SCANNER, 40100, WAN_IP, 23, from_net, ttl=49, ident=0x4000),
         Side(WAN_IP, 23, SCANNER, 40100, None), cisn=3000000).c(SYN, gap=0.5)       # 24
    # ... a packet for a LAN address (logged "fwd-drop: ", dropped) ...
    Flow(c, Side(SCANNER, 40101, LAPTOP, 445, from_net, ttl=49, ident=0x4001),
         Side(LAPTOP, 445, SCANNER, 40101, None), cisn=3100000).c(SYN)               # 25
    # ... four ssh SYNs from one address: three reach the (absent) sshd -- RST --, the
    # fourth within a minute is dropped by ssh_in's recent rule ...
    for n in range(4):
        Flow(c, Side(BRUTE, 40200 + n, WAN_IP, 22, from_net, ttl=47, ident=0x5000 + n),
             Side(WAN_IP, 22, BRUTE, 40200 + n, None), cisn=4000000 + n * 1000).c(
            SYN, options=SYN_OPTS)                                                   # 26-29
    # ... a ping of the public address (answered) ...
    from_net(c, ipv4(SCANNER, WAN_IP, 1, echo(0x0c0c, 1), ttl=49, ident=0x4002))     # 30
    # J. The laptop tries SMTP: REJECT --reject-with tcp-reset (the RST claims to come from
    # the mail server).
    Flow(c, Side(LAPTOP, 51300, MAIL, 25, from_laptop, ident=0x2030),
         Side(MAIL, 25, LAPTOP, 51300, None), cisn=1300000).c(SYN, options=SYN_OPTS)  # 31
    # K. A SYN/ACK nobody asked for, to the public address: INVALID, dropped in INPUT.
    from_net(c, tcp_pkt(WEB, WAN_IP, 443, 51999, SYN | ACK, seq=7000000, ack=123456,
                        ttl=55, ident=0x6200, df=True))                              # 32
    # L. The laptop opens ssh to a shell account: masqueraded, MSS clamped, DSCP AF21.
    s = Flow(c, Side(LAPTOP, 51200, SSHSRV, 22, from_laptop, ident=0x2040),
             Side(SSHSRV, 22, WAN_IP, 51200, from_net, ttl=56, ident=0x6300),
             cisn=1200000, sisn=5200000)
    s.c(SYN, options=SYN_OPTS)                                                       # 33
    s.s(SYN | ACK, options=opt_mss(1400) + b"\x04\x02\x01\x03\x03\x07", win=65535)  # 34
    # A ends: the laptop closes, the site closes, the last ACK (TIME_WAIT).
    a.c(FIN | ACK, seq=a.nxt["c"], win=502)                                          # 35
    a.s(FIN | ACK, win=509)                                                          # 36
    a.c(ACK, win=502)                                                                # 37
    return c


if __name__ == "__main__":
    build().write(os.path.join(HERE, "capture.pcapng"))
