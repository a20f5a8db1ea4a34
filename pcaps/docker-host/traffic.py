#!/usr/bin/env python3
# The traffic of pcaps/docker-host (README.md says what happens to each packet): run it to
# rewrite capture.pcapng next to it. tests/kernel/packet/cases/70-docker-host/packets.py
# writes the same frames as that case's packets.pcapng (every outcome here is deterministic:
# MASQUERADE without --random-fully keeps the containers' source ports and ICMP ids).
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from natflow import (dns_query, dns_answer, Capture, Flow, Side, sender, udp_from, ipv4, echo,  # noqa: E402
                     SYN, ACK, PSH, FIN, SYN_OPTS)

# The host (topology): eth0 uplink, docker0 (default bridge), br-3f9a1c2e7b4d ("backend").
HOST, HOST_MAC = "198.51.100.10", "52:54:00:4e:46:10"
GW_MAC = "52:54:00:4e:46:01"                                  # 198.51.100.1
DOCKER0_MAC = "02:42:8c:1e:5a:01"                             # 172.17.0.1
BR, BR_MAC = "br-3f9a1c2e7b4d", "02:42:5d:27:c8:9e"           # 172.18.0.1
WEB, WEB_MAC = "172.17.0.2", "02:42:ac:11:00:02"              # nginx, -p 8080:80
WORKER, WORKER_MAC = "172.17.0.3", "02:42:ac:11:00:03"        # no published port
DB, DB_MAC = "172.18.0.2", "02:42:ac:12:00:02"                # on "backend"
# The internet, beyond the gateway.
CLIENT = "203.0.113.50"     # a browser
API = "203.0.113.80"        # an HTTPS API the containers use
DNS = "203.0.113.53"        # the resolver from the host's resolv.conf
SCANNER = "203.0.113.66"    # someone whose route for 172.16.0.0/12 points at this host

from_net = sender("eth0", GW_MAC, HOST_MAC)
from_web = sender("docker0", WEB_MAC, DOCKER0_MAC)
from_worker = sender("docker0", WORKER_MAC, DOCKER0_MAC)
from_db = sender(BR, DB_MAC, BR_MAC)
from_host = sender("lo", "00:00:00:00:00:00", "00:00:00:00:00:00")   # the host's own


def build():
    c = Capture()

    # A. A browser on the internet fetches the published port: DNAT to web:80 and back.
    a = Flow(c, Side(CLIENT, 51000, HOST, 8080, from_net, ttl=52, ident=0x3a10),
             Side(WEB, 80, CLIENT, 51000, from_web, ident=0x0001), cisn=2000000, sisn=7000000)
    a.c(SYN, options=SYN_OPTS)                                                       # 1
    a.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 2
    a.c(ACK, win=502)                                                                # 3
    a.c(PSH | ACK, b"GET / HTTP/1.1\r\nHost: example.test:8080\r\n\r\n", win=502)    # 4
    a.s(ACK, win=509)                                                                # 5
    a.s(PSH | ACK | FIN, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhi\n", win=509)  # 6
    a.c(FIN | ACK, win=502)                                                          # 7
    a.s(ACK, win=509)                                                                # 8

    # B. worker opens an HTTPS connection out: MASQUERADE to 198.51.100.10, port kept.
    b = Flow(c, Side(WORKER, 45020, API, 443, from_worker, ident=0x1000),
             Side(API, 443, HOST, 45020, from_net, ttl=54, ident=0x5100),
             cisn=3000000, sisn=8000000)
    b.c(SYN, options=SYN_OPTS)                                                       # 9
    b.s(SYN | ACK, options=SYN_OPTS, win=65535)                                      # 10
    b.c(ACK, win=502)                                                                # 11

    # C. worker asks the resolver (UDP, masqueraded), D. and pings the API host.
    q = Side(WORKER, 39512, DNS, 53, from_worker, ident=0x1003)
    from_worker(c, udp_from(q, dns_query(0x1f2e, "api.example.test")))               # 12
    r = Side(DNS, 53, HOST, 39512, from_net, ttl=57, ident=0x7a00)
    from_net(c, udp_from(r, dns_answer(0x1f2e, "api.example.test", API)))            # 13
    from_worker(c, ipv4(WORKER, API, 1, echo(0x0007, 1), ident=0x1004, df=True))     # 14
    from_net(c, ipv4(API, HOST, 1, echo(0x0007, 1, reply=True), ttl=54, ident=0x5101))  # 15

    # E. worker talks to web directly on docker0 (icc): accepted, no NAT.
    e = Flow(c, Side(WORKER, 38800, WEB, 80, from_worker, ident=0x1005),
             Side(WEB, 80, WORKER, 38800, from_web, ident=0x0010), cisn=3100000, sisn=7100000)
    e.c(SYN, options=SYN_OPTS)                                                       # 16
    e.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 17

    # F. web reaches its own published port through the host address: the DOCKER chain
    # RETURNs for traffic from docker0 (that is docker-proxy's job), so the SYN goes to the
    # host itself, where nothing listens here: RST.
    f = Flow(c, Side(WEB, 41234, HOST, 8080, from_web, ident=0x0020),
             Side(HOST, 8080, WEB, 41234, None), cisn=7200000)
    f.c(SYN, options=SYN_OPTS)                                                       # 18

    # G. A process on the host connects to its own address:8080: nat OUTPUT DNATs it to
    # web:80. No socket on the host, so the host RSTs web's SYN/ACK -- that RST belongs
    # to the connection and is DNATed to web as well.
    g = Flow(c, Side(HOST, 46000, HOST, 8080, from_host, ident=0x4000),
             Side(WEB, 80, HOST, 46000, from_web, ident=0x0030), cisn=4000000, sisn=7300000)
    g.c(SYN, options=SYN_OPTS)                                                       # 19
    g.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 20
    # H. ... and to 127.0.0.1:8080: OUTPUT does not jump to DOCKER for 127.0.0.0/8
    # (docker-proxy listens there on a real host): RST from the host, on lo.
    h = Flow(c, Side("127.0.0.1", 46010, "127.0.0.1", 8080, from_host, ident=0x4001),
             Side("127.0.0.1", 8080, "127.0.0.1", 46010, None), cisn=4100000)
    h.c(SYN, options=SYN_OPTS)                                                       # 21

    # I. Someone on the internet routes 172.17.0.0/16 to the host and connects to web:80
    # directly: filter DOCKER accepts it (Docker before 28 has no raw-table guard), and
    # web's SYN/ACK leaves un-NATed with source 172.17.0.2.
    i = Flow(c, Side(SCANNER, 40404, WEB, 80, from_net, ttl=49, ident=0x6000),
             Side(WEB, 80, SCANNER, 40404, from_web, ident=0x0040), cisn=5000000, sisn=7400000)
    i.c(SYN, options=SYN_OPTS)                                                       # 22
    i.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 23
    # J. ... to worker:22 directly (not published): FORWARD policy DROP.
    j = Flow(c, Side(SCANNER, 40405, WORKER, 22, from_net, ttl=49, ident=0x6001),
             Side(WORKER, 22, SCANNER, 40405, None), cisn=5100000)
    j.c(SYN, options=SYN_OPTS)                                                       # 24
    # K. ... to a port of the host nothing publishes: no DNAT, INPUT accepts, RST.
    k = Flow(c, Side(SCANNER, 40406, HOST, 9090, from_net, ttl=49, ident=0x6002),
             Side(HOST, 9090, SCANNER, 40406, None), cisn=5200000)
    k.c(SYN, options=SYN_OPTS)                                                       # 25

    # L. db (network "backend") tries web (default bridge): DOCKER-ISOLATION-STAGE-2 drops.
    m = Flow(c, Side(DB, 50500, WEB, 80, from_db, ident=0x2000),
             Side(WEB, 80, DB, 50500, None), cisn=6000000)
    m.c(SYN, options=SYN_OPTS)                                                       # 26
    # M. ... and worker tries db: dropped the same way.
    n = Flow(c, Side(WORKER, 38810, DB, 5432, from_worker, ident=0x1006),
             Side(DB, 5432, WORKER, 38810, None), cisn=3200000)
    n.c(SYN, options=SYN_OPTS)                                                       # 27

    # N. db goes out to the internet: the backend network's own MASQUERADE rule.
    o = Flow(c, Side(DB, 50510, API, 443, from_db, ident=0x2001),
             Side(API, 443, HOST, 50510, from_net, ttl=54, ident=0x5102),
             cisn=6100000, sisn=8100000)
    o.c(SYN, options=SYN_OPTS)                                                       # 28
    o.s(SYN | ACK, options=SYN_OPTS, win=65535)                                      # 29

    # O. The browser pings the host: PREROUTING jumps to DOCKER (LOCAL), nothing there;
    # the host answers.
    from_net(c, ipv4(CLIENT, HOST, 1, echo(0x0b0b, 1), ttl=52, ident=0x3a20))       # 30

    # B again: worker sends a request on its established connection, the API answers.
    b.c(PSH | ACK, b"\x16\x03\x01\x00\x05hello", win=502)                            # 31
    b.s(ACK, win=509)                                                                # 32
    return c


if __name__ == "__main__":
    build().write(os.path.join(HERE, "capture.pcapng"))
