#!/bin/sh
# tests/trace/run.sh - `nfemu trace` scenarios with exact expected outputs (cases/NAME.out, and
# cases/NAME.err for stderr): a REJECT that answers with a RST, a masqueraded and a port-
# forwarded connection on the home router (conntrack, NAT, routing), a first fragment defrag
# holds, an echo request answered, a SYN delivered to a listening socket, the host's own packet,
# --explain, --json (exact, and valid against schema.json); errors exit 2 with the column of
# the bad word; --state is left byte-identical without --commit, and holds the new conntrack
# entry with it (then a reply traced against it finds that entry).
GOLDEN_CMD=trace GOLDEN_CASES=tests/trace/cases
. "$(dirname "$0")/../lib/golden.sh"

E="--topology pcaps/edge/topology --rules pcaps/edge/rules.v4"
R="--topology pcaps/router/topology --rules pcaps/router/rules.v4"
check edge-reject 0 $E 'tcp 203.0.113.5:40003 > 198.51.100.1:23 S in wan0'
check edge-lan-ssh 0 $E tcp 192.0.2.10:40000 '>' 192.0.2.1:22 S
check edge-ping 0 $E 'icmp 192.0.2.10 > 192.0.2.1'
check edge-ssh-socket 0 $E --open-ports 'tcp 192.0.2.10:40000 > 192.0.2.1:22 S in lan0'
check edge-host 0 $E --explain 'tcp 198.51.100.1:40003 > 203.0.113.5:80 S from-host'
check router-masquerade 0 $R 'tcp 192.168.1.100:51000 > 198.51.100.80:443 S in eth0'
check router-portforward 0 $R 'tcp 192.0.2.77:40000 > 203.0.113.45:8080 S in eth1'
check router-fragment 0 $R 'udp 192.168.1.100:5000 > 198.51.100.80:53 frag id 9 in eth0 len 200'
check router-portforward-json 0 $R --json 'tcp 192.0.2.77:40000 > 203.0.113.45:8080 S in eth1'
check edge-reject-json 0 $E --json 'tcp 203.0.113.5:40003 > 198.51.100.1:23 S in wan0'
check edge-mark-json 0 $E --json --explain 'udp 192.0.2.10:5000 > 198.51.100.1:53 mark 0x7 in lan0'
for j in router-portforward-json edge-reject-json edge-mark-json; do
	python3 tests/trace/check-json.py "tests/trace/cases/$j.out" || { echo "FAIL $j: schema"; fail=1; }
done

# errors: exit 2, one message naming where
check err-bad-line 2 $E 'tcp 192.0.2.10:40000 > 203.0.113.5:80 S ttl x'
check err-no-iface 2 $E 'tcp 192.0.2.10:40000 > 203.0.113.5:80 S in eth9'
check err-commit-rules 2 $E --commit 'tcp 192.0.2.10:40000 > 203.0.113.5:80 S'
check err-no-packet 2 $E
check err-unknown-option 2 $E --jsno 'tcp 192.0.2.10:40000 > 203.0.113.5:80 S'
"$NFEMU" trace --help | grep -q '^usage: nfemu trace --topology' || { echo "FAIL trace --help"; fail=1; }
check err-from-host 2 $E 'udp 192.0.2.10:5000 > 203.0.113.5:53 from-host'

# --state: read only without --commit (byte for byte), written back with it
st="$tmp/router.state"
"$NFEMU" exec --state "$st" -- iptables-legacy-restore pcaps/router/rules.v4 || fail=1
cp "$st" "$tmp/before"
S="--topology pcaps/router/topology --state $st"
check state-no-commit 0 $S 'tcp 192.168.1.100:51000 > 198.51.100.80:443 S in eth0'
cmp "$st" "$tmp/before" || { echo "FAIL state-no-commit: the state file changed"; fail=1; }
"$NFEMU" conntrack --state "$st" -L >"$tmp/ct" 2>/dev/null
[ -s "$tmp/ct" ] && { echo "FAIL state-no-commit: the state has conntrack entries"; cat "$tmp/ct"; fail=1; }
check err-commit-no-iface 2 $S --commit 'tcp 192.168.1.100:51000 > 198.51.100.80:443 S in eth9'
cmp "$st" "$tmp/before" || { echo "FAIL err-commit-no-iface: a failed trace wrote the state"; fail=1; }
check state-commit 0 $S --commit 'tcp 192.168.1.100:51000 > 198.51.100.80:443 S in eth0'
cmp -s "$st" "$tmp/before" && { echo "FAIL state-commit: the state file did not change"; fail=1; }
"$NFEMU" conntrack --state "$st" -L >"$tmp/ct" 2>/dev/null
if ! grep -q '^tcp      6 120 SYN_SENT src=192.168.1.100 dst=198.51.100.80 sport=51000 dport=443 \[UNREPLIED\] src=198.51.100.80 dst=203.0.113.45 sport=443 dport=51000 mark=0 use=1$' "$tmp/ct"; then
	echo "FAIL state-commit: no new conntrack entry in the state"; cat "$tmp/ct"; fail=1
else
	echo "ok state-commit-entry"
fi
cp "$st" "$tmp/before"
check state-reply 0 $S 'tcp 198.51.100.80:443 > 203.0.113.45:51000 S. ack 1001 in eth1'
cmp "$st" "$tmp/before" || { echo "FAIL state-reply: the state file changed"; fail=1; }
exit $fail
