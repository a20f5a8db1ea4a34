#!/usr/bin/env python3
# Case 70: a Docker 26 host (the example pcaps/docker-host): a published port reached from
# the internet (DNAT, replies de-NATed), containers going out (MASQUERADE of TCP, UDP, ICMP;
# ports and ids kept), container to container (icc), a container to its own published port
# through the host address (userland-proxy setup: no DNAT, the host RSTs), the host's own
# connections to its address:8080 (nat OUTPUT DNAT; the host's RST follows the NAT) and to
# 127.0.0.1:8080 (not DNATed), direct access to container addresses from outside (one
# accepted by filter DOCKER, one dropped by the FORWARD policy), isolation between the two
# networks. The frames are those of pcaps/docker-host/traffic.py; its README says what
# happens to each packet.
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "..", "..", "..", "pcaps", "docker-host", "traffic.py")
spec = importlib.util.spec_from_file_location("docker_traffic", GEN)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
mod.build().write(os.path.join(HERE, "packets.pcapng"))
