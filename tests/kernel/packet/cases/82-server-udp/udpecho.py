#!/usr/bin/env python3
# The UDP echo server of case 82: bound to ADDR:PORT (argv; SO_REUSEADDR, so that one bound to
# the router's address and one bound to 0.0.0.0 share the port), every datagram sent back to
# its sender as it came.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
