#!/usr/bin/env python3
# Case 34: the capture of case 33 (mid-stream TCP), with nf_conntrack_tcp_loose=0.
import os
here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "33-ct-tcp-loose-on", "packets.py")
exec(compile(open(src).read(), src, "exec"))
