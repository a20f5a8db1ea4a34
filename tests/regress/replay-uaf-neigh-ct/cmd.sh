# A redirect waiting on an unresolved neighbour holds the conntrack entry of the dropped
# original when the kernel is torn down: net_free must free the packet before conntrack goes.
# (min.pcapng is cut short by the fuzzer: replay says so and exits 1.)
"$NFEMU" replay --topology topology --rules ct-min.rules --trace - min.pcapng
