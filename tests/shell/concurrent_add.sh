#!/bin/bash
# concurrent_add: ten `iptables-legacy -w -A` and then ten `iptables-legacy-restore -w --noflush`
# started at once on one state file lose no rule (the xtables lock serializes iptables, the
# state lock serializes every load-modify-store).
. "$(dirname "$0")/lib.sh"

N=10
nf iptables-legacy -L -n >/dev/null || fail "initial -L"

t0=$(now_ms)
pids=()
for i in $(seq 1 $N); do
	nf iptables-legacy -w -A INPUT -s 10.0.0.$i -j ACCEPT &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "an iptables -w -A failed"; done
t1=$(now_ms)
save=$(nf iptables-legacy-save) || fail "save"
for i in $(seq 1 $N); do
	grep -qx -- "-A INPUT -s 10.0.0.$i/32 -j ACCEPT" <<<"$save" || fail "rule 10.0.0.$i lost: $save"
done
[ "$(grep -c '^-A INPUT' <<<"$save")" = $N ] || fail "expected $N rules: $save"
note "$N concurrent iptables -w -A: $((t1 - t0)) ms"

t0=$(now_ms)
pids=()
for i in $(seq 1 $N); do
	printf '*filter\n:chain%d - [0:0]\n-A chain%d -s 10.1.0.%d -j ACCEPT\n-A OUTPUT -j chain%d\nCOMMIT\n' \
		$i $i $i $i | nf iptables-legacy-restore -w --noflush &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "an iptables-restore -w --noflush failed"; done
t1=$(now_ms)
save=$(nf iptables-legacy-save) || fail "save"
for i in $(seq 1 $N); do
	grep -qx -- "-A chain$i -s 10.1.0.$i/32 -j ACCEPT" <<<"$save" || fail "chain$i lost: $save"
done
[ "$(grep -c '^-A OUTPUT -j chain' <<<"$save")" = $N ] || fail "expected $N jumps: $save"
[ "$(grep -c '^-A INPUT' <<<"$save")" = $N ] || fail "the INPUT rules changed: $save"
note "$N concurrent iptables-restore -w --noflush: $((t1 - t0)) ms"
echo PASS
