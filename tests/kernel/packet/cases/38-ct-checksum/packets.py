#!/usr/bin/env python3
# Case 38: L4 checksums. Forwarded H1 -> NET1: UDP, TCP SYN and echo request with broken
# checksums (INVALID), then the UDP again intact (NEW) and an answer with a broken checksum
# (INVALID: the entry stays UNREPLIED), then an intact answer; a UDP datagram without
# checksum (0: none); a broken UDP checksum to the router itself; a broken UDP checksum the
# router sends (not checked at LOCAL_OUT).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403


def broken(pkt, off):
    """pkt with the 16-bit word at off (from the IP header) flipped."""
    b = bytearray(pkt)
    b[off] ^= 0xff
    return bytes(b)


c = Capture()
lan(c, broken(udp_pkt(H1, NET1, 5020, 53, b"bad sum"), 26))                    # 1
lan(c, broken(tcp_pkt(H1, NET1, 40050, 80, SYN, seq=50000), 36))              # 2
lan(c, broken(ping(H1, NET1, 0x300, 1), 22))                                   # 3
lan(c, udp_pkt(H1, NET1, 5020, 53, b"bad sum"))                                # 4 NEW
wan(c, broken(udp_pkt(NET1, H1, 53, 5020, b"answer"), 26))                     # 5
wan(c, udp_pkt(NET1, H1, 53, 5020, b"answer"))                                 # 6
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5021, 53, b"no sum")[:6] + b"\0\0" + b"no sum"))  # 7
lan(c, broken(udp_pkt(H1, R_LAN, 5022, 7, b"bad sum"), 26))                    # 8
local(c, "wan0", broken(udp_pkt(R_WAN, W1, 5023, 53, b"bad sum"), 26), W1_MAC)  # 9
write(c)
