#!/usr/bin/env python3
# Case 02: user chains -- jump, goto, RETURN, the implicit return at a user chain's end
# (TRACE "return:N"), an empty chain, three-deep nesting, goto from a built-in chain (the end
# of the goto'd chain applies FORWARD's policy), and jumps from INPUT.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 22))          # lan_in -> tcp_checks: DROP
lan(c, tcp_pkt(H1, NET1, 40001, 80))          # tcp_checks RETURN -> lan_in falls off -> policy
lan(c, tcp_pkt(H1, NET1, 40002, 443))         # -> deep: ACCEPT
lan(c, tcp_pkt(H1, NET1, 40003, 8443))        # deep RETURN -> tcp_checks rule 4 ACCEPT
lan(c, tcp_pkt(H1, NET1, 40004, 25))          # deep falls off, tcp_checks falls off, lan_in ...
lan(c, ping(H1, NET1))                        # lan_in RETURN -> FORWARD policy
lan(c, udp_pkt(H2, NET1, 5353, 53))           # lan_in rule 3 DROP (source)
lan(c, udp_pkt(H1, NET1, 5353, 53))           # lan_in rule 4 ACCEPT
wan(c, udp_pkt(NET1, H1, 53, 5353))           # goto udp_checks: ACCEPT
wan(c, udp_pkt(NET1, H1, 124, 123))           # goto udp_checks, goto udp_more, RETURN -> policy
wan(c, udp_pkt(NET1, H1, 124, 124))           # goto udp_checks, jump udp_more, back, end -> policy
wan(c, udp_pkt(NET1, H1, 99, 99))             # goto udp_checks, falls off -> FORWARD policy
wan(c, tcp_pkt(NET1, H1, 80, 40000, SYN | ACK, ack=1001))  # FORWARD rule 4
lan(c, ping(H1, R_LAN))                       # INPUT -> lan_in RETURN -> INPUT policy; reply
write(c)
