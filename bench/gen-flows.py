#!/usr/bin/env python3
# Write a capture of N distinct UDP flows for bench/conntrack-flows.sh: one datagram per flow
# from the 200 LAN hosts of bench/topology (192.0.2.10-209, on lan0) to 203.0.113.0/24 beyond
# the default gateway, each from its own (host, source port) pair, so every packet makes a new
# conntrack entry that is never answered (UDP UNREPLIED, 30 s).  --rate packets per second of
# capture time.  Streamed to disk (nothing is kept per flow); standard library only;
# deterministic.
import argparse
import os
import struct

R_LAN_MAC = bytes.fromhex("020000000101")


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flows", type=int, required=True)
    ap.add_argument("--rate", type=int, default=50000, help="packets per second (capture time)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.flows > 200 * 64512:
        ap.error("at most %d distinct flows" % (200 * 64512))
    payload = b"nfemu-flow"
    ulen = 8 + len(payload)
    tot = 20 + ulen
    flen = 14 + tot
    step_ns = 10**9 // a.rate
    t = 1741003200 * 10**9
    rec = struct.Struct("<IIII")
    iph = struct.Struct("!BBHHHBBH4s4s")
    udph = struct.Struct("!HHHH")
    with open(a.out + ".tmp", "wb", buffering=1 << 20) as f:
        # pcap, nanosecond timestamps, Ethernet
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
        for i in range(a.flows):
            host = 10 + i % 200
            sport = 1024 + (i // 200) % 64512
            src = bytes((192, 0, 2, host))
            dst = bytes((203, 0, 113, 1 + (i // 7) % 250))
            h = iph.pack(0x45, 0, tot, i & 0xffff, 0, 64, 17, 0, src, dst)
            h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
            # UDP checksum 0: none (valid for IPv4), so conntrack's check passes it
            u = udph.pack(sport, 53, ulen, 0) + payload
            eth = R_LAN_MAC + bytes((2, 0, 0, 0, 1, host)) + b"\x08\x00"
            f.write(rec.pack(t // 10**9, t % 10**9, flen, flen))
            f.write(eth + h + u)
            t += step_ns
    os.rename(a.out + ".tmp", a.out)
    print("%s: %d flows, %d packets" % (a.out, a.flows, a.flows))


if __name__ == "__main__":
    main()
