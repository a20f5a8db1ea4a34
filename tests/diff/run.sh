#!/bin/sh
# tests/diff/run.sh - `nfemu diff` scenarios with exact expected outputs (tests/diff/cases/*.out):
# each pcaps/* example against itself reports nothing (exit 0); the edge ruleset against a copy
# with two FORWARD rules swapped lists exactly the two packets whose fate changes (exit 1); a
# moved LOG rule changes no fate (0) but does change a deciding rule (--by-rule: 1); conntrack
# outcomes that differ with the same fates (1); errors exit 2.  --spec: the packets of nfemu
# test specs instead of a capture (the spec-* cases below).
GOLDEN_CMD=diff GOLDEN_CASES=tests/diff/cases
. "$(dirname "$0")/../lib/golden.sh"

for e in router docker-host kube-node edge; do
	check "self-$e" 0 --topology pcaps/$e/topology --rules pcaps/$e/rules.v4 \
		--rules pcaps/$e/rules.v4 pcaps/$e/capture.pcapng
done
E="--topology pcaps/edge/topology --rules pcaps/edge/rules.v4"
check edge-swap 1 $E --rules tests/diff/cases/edge-swap.v4 pcaps/edge/capture.pcapng
check edge-swap-jsonl 1 $E --rules tests/diff/cases/edge-swap.v4 --jsonl - pcaps/edge/capture.pcapng
check edge-logfirst 0 $E --rules tests/diff/cases/edge-logfirst.v4 pcaps/edge/capture.pcapng
check edge-logfirst-by-rule 1 --by-rule $E --rules tests/diff/cases/edge-logfirst.v4 pcaps/edge/capture.pcapng
# conntrack: a ruleset that loads conntrack (one rule more that decides nothing new) differs from
# the stateless one in every tracked packet's conntrack outcome, nothing else; NOTRACK for UDP
# turns NEW into UNTRACKED with the same fates
check edge-ct 1 $E --rules tests/diff/cases/edge-ct.v4 pcaps/edge/capture.pcapng
check edge-notrack 1 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-notrack.v4 pcaps/edge/capture.pcapng
check edge-notrack-jsonl 1 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-notrack.v4 --jsonl - pcaps/edge/capture.pcapng
check edge-ct-self 0 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-ct.v4 pcaps/edge/capture.pcapng
# a state against a ruleset (the same state may be given twice: it is only read)
"$NFEMU" exec --state "$tmp/edge.state" -- iptables-legacy-restore pcaps/edge/rules.v4 || fail=1
check state-vs-rules 0 --topology pcaps/edge/topology --state "$tmp/edge.state" \
	--rules pcaps/edge/rules.v4 pcaps/edge/capture.pcapng
check state-twice 0 --topology pcaps/edge/topology --state "$tmp/edge.state" \
	--state "$tmp/edge.state" pcaps/edge/capture.pcapng
# errors: exit 2
check err-one-ruleset 2 $E pcaps/edge/capture.pcapng
check err-refused 2 $E --rules tests/diff/cases/refused.v4 pcaps/edge/capture.pcapng

# --spec: each example spec against its own ruleset reports nothing (exit 0)
for e in router docker-host kube-node ufw-host; do
	check "spec-self-$e" 0 --spec examples/$e/$e.spec --rules examples/$e/rules.v4
done
# router-swap.v4 is examples/router/rules.v4 with FORWARD rules 3 (REJECT SMTP from eth0 to
# eth1 with a RST) and 4 (ACCEPT the rest from eth0 to eth1) swapped: in B the REJECT can no
# longer match, so SMTP from the LAN is forwarded (and masqueraded) instead of refused.
# router-smtp.spec, hand-checked, packet by packet (A the spec's ruleset, B the swapped one):
#   "an SMTP exchange from the LAN", a TCP exchange NAT rewrites in B only:
#     1 SYN 192.168.1.50 > :25 in eth0: A REJECT by FORWARD rule 3 with a RST (entry never
#       confirmed); B ACCEPT by rule 3 (the old 4), out eth1 masqueraded as 203.0.113.45,
#       entry created: differs in verdict, egress, nat, generated, conntrack (same rule number)
#     2 SYN-ACK to 203.0.113.45:40002 in eth1: in A no connection holds that address, so it is
#       the router's own, INVALID (a SYN-ACK opens nothing) and dropped by INPUT rule 3; in B
#       the masquerade binding turns it back to 192.168.1.50, ESTABLISHED (reply), forwarded
#       out eth0 by FORWARD rule 1 (and it is sent with seq 5000 ack 1001 in B, seq 1000 ack 0
#       in A: each kernel follows the flow through its own NAT)
#     3 ACK and 4 data from the LAN: A NEW again (picked up mid-stream, never confirmed) and
#       REJECTed by rule 3 with a RST; B ESTABLISHED, forwarded masqueraded by rule 1
#   "LAN web goes out masqueraded": 1 SYN to :80 accepted by FORWARD rule 4 in A and rule 3
#       in B, same fate: a different deciding rule only, listed with --by-rule alone; 2 its
#       reply, ESTABLISHED by rule 1 in both
#   "port 8080 ... forwarded to the NAS": DNAT, then ctstate DNAT (rule 5) and ESTABLISHED
#       (rule 1): rules 3 and 4 never see it; the same in both
# So 4 of 8 packets differ (1 test of 3), 3 of them with a different deciding rule too.
S="--spec tests/diff/cases/router-smtp.spec"
check spec-router-swap 1 $S --rules tests/diff/cases/router-swap.v4
check spec-router-swap-by-rule 1 --by-rule $S --rules tests/diff/cases/router-swap.v4
check spec-router-swap-jsonl 1 $S --rules tests/diff/cases/router-swap.v4 --jsonl -
# two rulesets (and --topology): the spec gives only its tests, A is the first given; the
# spec's own ruleset (refused) and topology (missing) are not used
check spec-two-rules 1 --spec tests/diff/cases/router-elsewhere.spec --topology examples/router/topology \
	--rules examples/router/rules.v4 --rules tests/diff/cases/router-swap.v4
# a state as B, against the spec's ruleset (the same as that state: nothing differs)
"$NFEMU" exec --state "$tmp/router.state" -- iptables-legacy-restore examples/router/rules.v4 || fail=1
check spec-state 0 --spec examples/router/router.spec --state "$tmp/router.state"
# errors: exit 2 (a spec error with its file:line:col; the spec's ruleset refused, named by
# the spec's line; a spec and a capture)
check err-spec 2 --spec tests/diff/cases/bad.spec --rules examples/router/rules.v4
check err-spec-refused 2 --spec tests/diff/cases/router-elsewhere.spec --rules examples/router/rules.v4
check err-spec-capture 2 $S --rules examples/router/rules.v4 pcaps/edge/capture.pcapng
exit $fail
