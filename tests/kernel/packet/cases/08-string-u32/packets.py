#!/usr/bin/env python3
# Case 08: string and u32 matches on payloads.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80, PSH | ACK, payload=b"GET /admin HTTP/1.0\r\n\r\n"))
lan(c, tcp_pkt(H1, NET1, 40000, 80, PSH | ACK, payload=b"POST /x SeCrEt=1"))
lan(c, udp_pkt(H1, NET1, 5000, 53, b"0123456789abcdefnfemu"))     # nfemu at offset 44
lan(c, udp_pkt(H1, NET1, 5000, 53, b"nfemu" + b"\xde\xad\xbe\xef"))  # nfemu at offset 28
lan(c, ping(H1, NET1, payload=b"x" * 300))                        # long: length >= 256
wan(c, tcp_pkt(NET1, H1, 80, 40000, SYN | ACK, ack=1001))        # sport 80
wan(c, tcp_pkt(NET2, H1, 81, 80, ACK, ack=1001))                 # dport 80
write(c)
