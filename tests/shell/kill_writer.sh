#!/bin/bash
# kill_writer: SIGKILL of an iptables-legacy-restore at random moments never leaves a state
# that fails to load, nor a half-applied ruleset: afterwards iptables-legacy-save succeeds and
# shows one of the complete rulesets (the state file is replaced by rename, under flock).
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-20}
ruleset() {     # ruleset N MATCH: N rules in filter INPUT
	echo '*filter'
	echo ':INPUT ACCEPT [0:0]'
	for i in $(seq 1 "$1"); do
		echo "-A INPUT $2 10.$((i / 256 % 256)).$((i % 256)).0/24 -p tcp --dport $((i % 60000 + 1)) -j ACCEPT"
	done
	echo 'COMMIT'
}
NA=10000 NB=6000
ruleset $NA -s > "$work/a"
ruleset $NB -d > "$work/b"
chmod 644 "$work/a" "$work/b"

nf iptables-legacy-restore < "$work/a" || fail "big restore"
# Calibrate: how long one replacement of the whole ruleset takes, start to exit.
t0=$(now_ms)
nf iptables-legacy-restore < "$work/b" || fail "big restore"
t1=$(now_ms)
note "replacing $NA rules by $NB: $((t1 - t0)) ms, state $(stat -c %s "$state") bytes"
# Kill anywhere from a third into the run to a bit past its end: the parse, the replay and the
# write of the new state all get hit.
lo=$(( (t1 - t0) / 3 )) span=$(( (t1 - t0) + 20 ))

killed=0 torn=0
for round in $(seq 1 "$ROUNDS"); do
	if [ $((round % 2)) = 0 ]; then f=$work/a; else f=$work/b; fi
	nf iptables-legacy-restore < "$f" 2>/dev/null &
	pid=$!
	d=$((lo + RANDOM % span))
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	[ -e "$state.tmp" ] && torn=$((torn + 1)) && rm -f "$state.tmp"
	out=$(nf iptables-legacy-save 2>&1) || fail "round $round: save failed after SIGKILL: $out"
	n=$(grep -c '^-A INPUT' <<<"$out")
	[ "$n" = $NA ] || [ "$n" = $NB ] || fail "round $round: $n rules: a torn ruleset"
done
note "$ROUNDS rounds: $killed writers killed before they finished, $torn of them mid-write (a partial $state.tmp left)," \
	"every state loaded whole"
echo PASS
