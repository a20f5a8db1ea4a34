#!/bin/bash
# ct_file: a connection table of 1 MiB or more lives in a conntrack file of its own beside the
# state ("STATE.ct-<id>", emu/state.c); commands that do not change it neither read nor
# rewrite it, a changed table goes to a new file and the old one is removed, and a missing,
# corrupt or foreign file is refused with one line naming it (the state is left as it was).
. "$(dirname "$0")/lib.sh"

root=$here/../..
command -v python3 >/dev/null || skip "python3 is needed to make the capture"
topo=$root/bench/topology
rules=$work/ct.v4
printf '%s\n' '*filter' ':INPUT ACCEPT [0:0]' ':FORWARD DROP [0:0]' ':OUTPUT ACCEPT [0:0]' \
	'-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' \
	'-A FORWARD -i lan0 -m conntrack --ctstate NEW -j ACCEPT' 'COMMIT' > "$rules"
python3 "$root/bench/gen-flows.py" --flows 30000 --out "$work/a.pcap" >/dev/null || fail "gen-flows"
python3 "$root/bench/gen-flows.py" --flows 100 --rate 1000 --out "$work/b.pcap" >/dev/null || fail "gen-flows"
chmod 644 "$work"/*.pcap "$rules"

ctfiles() { (cd "$work" && ls state.ct-* 2>/dev/null | tr '\n' ' '); }
count() { as_user "$NFEMU" conntrack -C --state "$state"; }

nf iptables-legacy-restore < "$rules" || fail "restore"
[ -z "$(ctfiles)" ] || fail "a conntrack file before any connection: $(ctfiles)"

# 30,000 connections (3.2 MB of table, more than one of the loader's 2 MiB windows): into
# state.ct-0000000000000001
as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/a.pcap" >/dev/null || fail "replay a"
[ "$(ctfiles)" = "state.ct-0000000000000001 " ] || fail "after the replay: '$(ctfiles)'"
[ "$(count)" = 30000 ] || fail "count after replay: $(count)"
[ "$(stat -c %s "$state")" -lt 100000 ] || fail "the table is still in the state: $(stat -c %s "$state") bytes"
ct1=$work/state.ct-0000000000000001
before=$(stat -c '%i %Y %s' "$ct1"); sum=$(cksum < "$ct1")

# a rule change: the state is rewritten, the conntrack file is not touched
nf iptables-legacy -A FORWARD -s 192.0.2.99 -j DROP || fail "-A"
nf iptables-legacy -L -n >/dev/null || fail "-L"
[ "$(stat -c '%i %Y %s' "$ct1")" = "$before" ] && [ "$(cksum < "$ct1")" = "$sum" ] ||
	fail "-A rewrote the conntrack file"
nf iptables-legacy-save | grep -q -- '-A FORWARD -s 192.0.2.99/32 -j DROP' || fail "-A lost"
[ "$(count)" = 30000 ] || fail "count after -A: $(count)"

# loaded and written back unchanged (an empty capture): the same connections
head -c 24 "$work/b.pcap" > "$work/empty.pcap"
as_user "$NFEMU" conntrack -L --state "$state" 2>/dev/null | sort > "$work/list1"
as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/empty.pcap" >/dev/null || fail "replay empty"
as_user "$NFEMU" conntrack -L --state "$state" 2>/dev/null | sort > "$work/list2"
[ "$(wc -l < "$work/list1")" = 30000 ] && cmp -s "$work/list1" "$work/list2" || fail "the table changed through its file"
set -- $(ctfiles); [ $# = 1 ] || fail "after the empty replay: '$(ctfiles)'"
prev=$1

# the table changes: a new file, the old one removed
as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/b.pcap" >/dev/null || fail "replay b"
set -- $(ctfiles); [ $# = 1 ] && [ "$1" != "$prev" ] || fail "after the second replay: '$(ctfiles)' (before: $prev)"
cur=$1
[ "$(count)" -ge 30000 ] || fail "count after the second replay: $(count)"
n2=$(count)

# a writer killed at any moment (a replay rewriting the table): the state still loads, with the
# old table or the new one, and the next whole write leaves one conntrack file
t0=$(now_ms)
as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/b.pcap" >/dev/null || fail "replay b"
t1=$(now_ms)
n2=$(count)
span=$(( t1 - t0 + 20 )) killed=0
for round in $(seq 1 12); do
	as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/b.pcap" >/dev/null 2>&1 &
	pid=$!
	d=$((RANDOM % span))
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	rm -f "$state.tmp"
	c=$(count 2>&1) || fail "round $round: the state does not load after SIGKILL: $c"
	[ "$c" = "$n2" ] || fail "round $round: $c connections, not $n2"
done
# what a killed writer may leave: a file no state names (written, not yet named; or the old one,
# not yet removed): the next write of the table removes it
cp "$work/$(ctfiles | cut -d' ' -f1)" "$work/state.ct-00000000000000ff"
as_user "$NFEMU" replay --topology "$topo" --state "$state" "$work/b.pcap" >/dev/null || fail "replay after the kills"
set -- $(ctfiles); [ $# = 1 ] || fail "after the kills: '$(ctfiles)'"
note "12 replays killed at random ($killed before they finished, the whole write $((t1 - t0)) ms): the state loaded every time"
cur=$1

# refusals: one line naming the file, exit 1 or 2, nothing rewritten
refused() {
	local what=$1 want=$2 out rc
	shift 2
	cp "$state" "$work/before"
	out=$("$@" 2>&1 >/dev/null); rc=$?
	[ $rc != 0 ] && [ $rc -lt 128 ] || fail "$what: exit $rc: $out"
	grep -q 'Sanitizer' <<<"$out" && fail "$what: $out"
	grep -q -- "$want" <<<"$out" || fail "$what: want '$want' in: $out"
	cmp -s "$state" "$work/before" || fail "$what: the state was rewritten"
	note "$what: $(grep -m1 "$want" <<<"$out")"
}
ct2=$work/$cur
mv "$ct2" "$work/saved"
refused "missing" "$cur, which cannot be opened: No such file" \
	as_user "$NFEMU" conntrack -L --state "$state"
refused "missing, rules" "$cur, which cannot be opened" nf iptables-legacy -S
cp "$work/saved" "$ct2"; chmod 644 "$ct2"
printf 'X' | dd of="$ct2" bs=1 seek=5000 conv=notrunc 2>/dev/null
refused "corrupt" "$cur: byte 12: checksum mismatch" \
	as_user "$NFEMU" conntrack -C --state "$state"
head -c 1000 "$work/saved" > "$ct2"
refused "truncated" "$cur: byte 1000: truncated" \
	as_user "$NFEMU" conntrack -C --state "$state"
cp "$work/saved" "$ct2"; chmod 644 "$ct2"
[ "$(count)" = "$n2" ] || fail "the restored file: $(count)"

# a table that shrinks back below 1 MiB returns into the state; its file goes
as_user "$NFEMU" conntrack -F --state "$state" >/dev/null 2>&1 || fail "conntrack -F"
[ -z "$(ctfiles)" ] || fail "after -F: '$(ctfiles)'"
[ "$(count)" = 0 ] || fail "count after -F: $(count)"
echo "ok: conntrack file kept apart, untouched by rule commands, replaced on change, refused when bad"
