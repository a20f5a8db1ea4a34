#!/usr/bin/env python3
# Case 24: ah, esp, ipcomp, dccp, sctp, tcpmss, string fsm, realm, devgroup, physdev.
import os
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
ah = bytes([6, 1, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 1])
lan(c, ipv4(H1, NET1, 51, ah))                          # SPI 0x1001
lan(c, ipv4(H1, NET1, 51, ah[:11]))                     # cut short: hotdrop
lan(c, ipv4(H1, NET1, 51, ah, frag=1))                  # non-first fragment
lan(c, ipv4(H1, NET1, 50, bytes.fromhex("deadbeef00000001")))
lan(c, ipv4(H1, NET1, 50, bytes.fromhex("deadbeef000000")))     # 7 bytes: hotdrop
lan(c, ipv4(H1, NET1, 108, bytes.fromhex("04001234")))
lan(c, ipv4(H1, NET1, 108, bytes.fromhex("040012")))    # 3 bytes: hotdrop
# DCCP REQUEST, X=1: 16 + 4 header bytes, options 32 (len 3), NOP, 33 (len 2); doff 7
req = bytes([0x04, 0xd2, 0x00, 0x50, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 42,
             32, 3, 1, 0, 1, 33, 2, 0])
lan(c, ipv4(H1, NET1, 33, req))
lan(c, ipv4(H1, NET1, 33, req[:4] + bytes([4]) + req[5:]))      # doff below the header
lan(c, ipv4(H1, NET1, 33, req[:4] + bytes([9]) + req[5:]))      # options past the end
lan(c, ipv4(H1, NET1, 33, req[:11]))                   # header cut short
lan(c, ipv4(H1, NET1, 33, bytes([0, 1, 0, 2, 4, 0, 0, 0, 2 << 1, 0, 0, 1, 33, 2, 0, 0])))  # DATA


def chunk(t, f, ln):
    return struct.pack("!BBH", t, f, ln) + b"\0" * (((ln + 3) & ~3) - 4)


sc = struct.pack("!HHII", 5000, 36412, 0, 0)
lan(c, ipv4(H1, NET1, 132, sc + chunk(0, 3, 21) + chunk(3, 0, 16)))   # DATA(BE) + SACK
lan(c, ipv4(H1, NET1, 132, sc + chunk(1, 0, 20)))                      # INIT
lan(c, ipv4(H1, NET1, 132, sc + struct.pack("!BBH", 3, 0, 0) + b"\0" * 4))   # length 0
lan(c, ipv4(H1, NET1, 132, sc))                                        # no chunk
lan(c, ipv4(H1, NET1, 132, sc + struct.pack("!BBH", 0, 0, 200) + b"\0" * 16))  # runs off
lan(c, ipv4(H1, NET1, 132, sc + chunk(0, 0, 16), frag=3))             # fragment
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, options=opt_mss(1460)))
lan(c, tcp_pkt(H1, NET1, 40000, 80, ACK, options=bytes([1, 1, 1, 2])))
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, options=opt_mss(536)))
lan(c, ipv4(H1, NET1, 6, tcp(H1, NET1, 40000, 80, SYN, options=opt_mss(1460)), frag=3))
lan(c, ipv4(H1, NET1, 6, bytes([0x9c, 0x40, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 2]) + b"\0" * 6))
lan(c, udp_pkt(H1, NET1, 5000, 53, b"abcx"))            # 32 bytes, 'x' last
lan(c, udp_pkt(H1, NET1, 5000, 53, b"\xdf\xdfx"))       # bm --icase quirk
lan(c, udp_pkt(H1, NET1, 5000, 53, b"\xbf\xbfx"))
lan(c, udp_pkt(H1, NET1, 5000, 53, b"x" * 3))
write(c)
