#!/usr/bin/env python3
# Write a large capture for bench/replay-bench.sh: Ethernet frames through the router of
# bench/topology (LAN 192.0.2.0/24 on lan0, upstream on wan0), streamed to disk so any size
# can be made: web and DNS traffic forwarded both ways, packets the filter drops, pings to the
# router (answered) and a little ARP (skipped).  60% small frames, 40% full-size.  Standard
# library only; deterministic (same size, same bytes).
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "replay", "lib"))
from capgen import ether, tcp, udp, ping, ACK, SYN, PSH, ETH_P_ARP  # noqa: E402

R_LAN_MAC, R_WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
GW_MAC = "02:00:00:00:02:fe"


def pool(rng, n=4096):
    """n distinct frames: (frame bytes) drawn from the traffic mix."""
    out = []
    for i in range(n):
        h = "192.0.2.%d" % (10 + i % 200)
        hmac = "02:00:00:00:01:%02x" % (10 + i % 200)
        far = "203.0.113.%d" % (1 + i % 250)
        sport = 32768 + i
        big = rng.random() < 0.4
        body = bytes(rng.randrange(256) for _ in range(1460 if big else rng.randrange(0, 140)))
        r = rng.random()
        if r < 0.35:        # LAN -> web: forwarded
            p = tcp(h, far, sport, rng.choice((80, 443)), ACK | PSH, payload=body[:200])
            out.append(ether(R_LAN_MAC, hmac, p))
        elif r < 0.75:      # web -> LAN: forwarded
            p = tcp(far, h, rng.choice((80, 443)), sport, ACK, payload=body)
            out.append(ether(R_WAN_MAC, GW_MAC, p))
        elif r < 0.85:      # DNS both ways: forwarded
            p = udp(h, far, sport, 53, payload=body[:60])
            out.append(ether(R_LAN_MAC, hmac, p))
        elif r < 0.95:      # scans from outside: dropped by the filter
            p = tcp(far, "192.0.2.%d" % (10 + i % 200), sport, rng.choice((22, 23, 3389, 445)), SYN)
            out.append(ether(R_WAN_MAC, GW_MAC, p))
        elif r < 0.99:      # pings to the router: answered
            out.append(ether(R_LAN_MAC, hmac, ping(h, "192.0.2.1", seq=i & 0xffff)))
        else:               # ARP: not IPv4, skipped
            out.append(ether("ff:ff:ff:ff:ff:ff", hmac, b"\x00\x01\x08\x00\x06\x04\x00\x01" +
                             b"\0" * 20, ETH_P_ARP))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(1)
    frames = pool(rng)
    target = int(a.size_mb * 1024 * 1024)
    t = 1741003200 * 10**6              # us; 20k packets/s of capture time
    order = [rng.randrange(len(frames)) for _ in range(65536)]
    size = 24
    with open(a.out + ".tmp", "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        i = 0
        pack = struct.Struct("<IIII").pack
        while size < target:
            fr = frames[order[i & 0xffff]]
            f.write(pack(t // 10**6, t % 10**6, len(fr), len(fr)))
            f.write(fr)
            size += 16 + len(fr)
            t += 50
            i += 1
    os.rename(a.out + ".tmp", a.out)
    print("%s: %d packets, %d bytes" % (a.out, i, size))


if __name__ == "__main__":
    main()
