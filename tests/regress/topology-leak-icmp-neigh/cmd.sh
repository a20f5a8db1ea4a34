# Two packets waiting on a gateway nobody answers: at 3 s the first gets its ICMP host
# unreachable, which queues on the same neighbour and is purged with it (QUEUE_PURGE), as
# Linux's neigh_invalidate does; the late fate is reported as #1's, not #2's.
j=$(mktemp)
"$NFEMU" replay --topology topology --rules accept.rules --trace - --jsonl "$j" min.pcap
echo "rc $?"
cat "$j"
rm -f "$j"
"$NFEMU" replay --topology topology --rules accept.rules --trace - two-local.pcap
