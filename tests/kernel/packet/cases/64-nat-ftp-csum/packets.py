#!/usr/bin/env python3
# Case 64: the frames of case 62 (active FTP through MASQUERADE, PORT/EPRT rewritten with
# sequence adjustment), replayed on a router whose veths have tx checksumming off: the
# segments nf_nat_ftp rewrote leave with finished checksums instead of pseudo-header ones.
# write() puts the capture next to this script (sys.argv[0]), so case 62's generator is run as
# it is.
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "62-nat-ftp-active",
                            "packets.py"), run_name="__main__")
