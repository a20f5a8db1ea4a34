#!/usr/bin/env python3
# The NAT scenario's capture: a LAN host's TCP connection masqueraded out of wan0 (and its
# replies, addressed to the router's public address), a port forward from outside, and a
# second LAN host whose source port clashes with the first's (its port is chosen by the PRNG).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "kernel", "packet", "lib"))
from net import *  # noqa: E402,F403

PUB = "198.51.100.1"
c = Capture()
lan(c, tcp_pkt(H1, "203.0.113.5", 40000, 80, SYN, seq=1000))
wan(c, tcp_pkt("203.0.113.5", PUB, 80, 40000, SYN | ACK, seq=5000, ack=1001))
lan(c, tcp_pkt(H1, "203.0.113.5", 40000, 80, ACK, seq=1001, ack=5001))
wan(c, tcp_pkt("203.0.113.7", PUB, 50000, 8080, SYN, seq=7000))
lan(c, tcp_pkt(H1, "203.0.113.7", 80, 50000, SYN | ACK, seq=9000, ack=7001))
lan(c, tcp_pkt("192.0.2.11", "203.0.113.5", 40000, 80, SYN, seq=3000), src_mac="02:00:00:00:01:0b")
c.write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "capture.pcapng"))

# Half a minute later, on a host whose wan0 has another address: the masqueraded entries are gone.
later = Capture(t0=c.t0 + 30)
lan(later, ping(H1, "203.0.113.9"))
later.write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "later.pcapng"))
