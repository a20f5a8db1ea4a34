#!/bin/bash
# corrupt_state: a truncated, bit-flipped or foreign state file gives exactly one "nfemu:" line
# naming the file and the byte offset, a plain non-zero exit (no crash), and is left untouched.
. "$(dirname "$0")/lib.sh"

nf iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT || fail "setup -A"
nf iptables-legacy -N custom || fail "setup -N"
nf iptables-legacy -A custom -s 10.0.0.0/8 -j RETURN || fail "setup -A custom"
nf iptables-legacy -t nat -A POSTROUTING -s 192.168.0.0/16 -j ACCEPT || fail "setup nat"
good=$work/good
cp "$state" "$good"
len=$(stat -c %s "$good")
expect=$(nf iptables-legacy-save | strip_save)

# check WHAT CMD...: CMD on the bad state must fail cleanly with one error line about it.
checked=0
check() {
	local what=$1 out rc
	shift
	chmod 644 "$state"
	cp "$state" "$work/before"
	out=$(nf "$@" 2>&1 >/dev/null); rc=$?
	[ $rc != 0 ] || fail "$what: '$*' succeeded on a bad state"
	[ $rc -lt 128 ] || fail "$what: '$*' died with status $rc: $out"
	grep -q 'Sanitizer' <<<"$out" && fail "$what: $out"
	[ "$(grep -c '^nfemu: ' <<<"$out")" = 1 ] || fail "$what: want one nfemu line, got: $out"
	grep -q "^nfemu: $state: byte [0-9]*: " <<<"$out" || fail "$what: line lacks file and offset: $out"
	cmp -s "$state" "$work/before" || fail "$what: the bad state was rewritten"
	checked=$((checked + 1))
	last=$(grep '^nfemu: ' <<<"$out")
}

# Truncation: every offset of the header and the module section, then a sample.
for cut in $(seq 0 95) $(seq 96 29 $((len - 1))); do
	head -c "$cut" "$good" > "$state"
	check "cut at $cut" iptables-legacy-save
done
note "truncated at $checked offsets, e.g. $last"

# One flipped byte anywhere: bad magic, unknown version, bad length or checksum mismatch.
for pos in 0 7 8 12 16 23 24 30 $(seq 40 101 $((len - 1))) $((len - 1)); do
	cp "$good" "$state"
	b=$(od -An -tu1 -j "$pos" -N1 "$good" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 0x40)))" | dd of="$state" bs=1 seek="$pos" conv=notrunc status=none
	check "flip at $pos" iptables-legacy-save
done
note "flipped bytes: e.g. $last"

# Not a state file at all; and a mutating command (the state must stay as it was).
head -c 4096 /dev/urandom > "$state"
check "random bytes" iptables-legacy-save
printf '' > "$state"
check "empty file" iptables-legacy -L -n
echo '*filter' > "$state"
check "text file" iptables-legacy -A INPUT -j ACCEPT
head -c $((len / 2)) "$good" > "$state"
check "half file, -A" iptables-legacy -A INPUT -j DROP
printf '%s\n' '*filter' 'COMMIT' > "$work/restore"
chmod 644 "$work/restore"
check "half file, restore" sh -c "iptables-legacy-restore < $work/restore"
note "$checked bad states refused cleanly"

cp "$good" "$state"
[ "$(nf iptables-legacy-save | strip_save)" = "$expect" ] || fail "the good state no longer loads"
echo PASS
