#!/usr/bin/env python3
# Write the capture of bench/nat-bench.sh: TCP flows from the 200 LAN hosts of bench/topology
# to web servers upstream, each a handshake, request, a few data segments back, and a close
# (12 packets, right sequence numbers), 500 flows open at a time, 20k packets/s of capture time.
# --reply-to PUBLIC addresses the servers' packets to PUBLIC (what a masquerading router sees
# on its uplink); without it they go to the LAN host itself (a routed network, no NAT).  Both
# captures have the same packets, sizes and order otherwise.  Standard library only.
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "replay", "lib"))
from capgen import ether, tcp, ACK, SYN, PSH, FIN  # noqa: E402

R_LAN_MAC, R_WAN_MAC, GW_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01", "02:00:00:00:02:fe"


def flow(i, reply_to, rng):
    """The frames of flow i, in order."""
    n = i % 200
    host, hmac = "192.0.2.%d" % (10 + n), "02:00:00:00:01:%02x" % (10 + n)
    srv = "203.0.113.%d" % (1 + i % 250)
    sport = 1024 + (i * 7919) % 64000
    dst = reply_to or host
    c, s = 1000 + i, 500000 + i
    req = b"GET /%d HTTP/1.1\r\nHost: example\r\n\r\n" % i
    body = bytes(rng.randrange(256) for _ in range(1400))
    out = [ether(R_LAN_MAC, hmac, tcp(host, srv, sport, 80, SYN, seq=c)),
           ether(R_WAN_MAC, GW_MAC, tcp(srv, dst, 80, sport, SYN | ACK, seq=s, ack=c + 1)),
           ether(R_LAN_MAC, hmac, tcp(host, srv, sport, 80, ACK, seq=c + 1, ack=s + 1)),
           ether(R_LAN_MAC, hmac, tcp(host, srv, sport, 80, PSH | ACK, seq=c + 1, ack=s + 1,
                                      payload=req))]
    c += 1 + len(req)
    s += 1
    for k in range(5):
        out.append(ether(R_WAN_MAC, GW_MAC, tcp(srv, dst, 80, sport, ACK, seq=s, ack=c,
                                                payload=body)))
        s += len(body)
        if k % 2:
            out.append(ether(R_LAN_MAC, hmac, tcp(host, srv, sport, 80, ACK, seq=c, ack=s)))
    out.append(ether(R_LAN_MAC, hmac, tcp(host, srv, sport, 80, FIN | ACK, seq=c, ack=s)))
    out.append(ether(R_WAN_MAC, GW_MAC, tcp(srv, dst, 80, sport, FIN | ACK, seq=s, ack=c + 1)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flows", type=int, default=50000)
    ap.add_argument("--reply-to", default=None)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(1)
    t = 1741003200 * 10**6              # us
    live, nxt, count = [], 0, 0
    with open(a.out + ".tmp", "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        pack = struct.Struct("<IIII").pack
        while nxt < a.flows or live:
            while len(live) < 500 and nxt < a.flows:
                live.append(flow(nxt, a.reply_to, rng))
                nxt += 1
            k = rng.randrange(len(live))
            fr = live[k].pop(0)
            if not live[k]:
                live[k] = live[-1]
                live.pop()
            f.write(pack(t // 10**6, t % 10**6, len(fr), len(fr)))
            f.write(fr)
            t += 50
            count += 1
    os.rename(a.out + ".tmp", a.out)
    print("%s: %d packets" % (a.out, count))


if __name__ == "__main__":
    main()
