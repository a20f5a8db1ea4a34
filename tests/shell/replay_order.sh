#!/bin/bash
# replay_order: the state is replayed table by table, yet a rule that needs what a newer table
# made still loads (a rateest match in filter on the estimator of a RATEEST target in mangle);
# and a change after which the state could not be replayed is refused with one clear line,
# leaving the file as it was.
. "$(dirname "$0")/lib.sh"

nf iptables-legacy -L -n >/dev/null || fail "-L"
nf iptables-legacy -t mangle -A PREROUTING -j RATEEST --rateest-name RE1 \
	--rateest-interval 250.0ms --rateest-ewmalog 500.0ms 2>/dev/null || skip "RATEEST not emulated"
nf iptables-legacy -A INPUT -m rateest --rateest RE1 --rateest-lt --rateest-bps 8bit ||
	fail "rateest rule on a newer table's estimator"
save=$(nf iptables-legacy-save) || fail "the state does not load"
grep -qx -- '-A INPUT -m rateest --rateest RE1 --rateest-lt --rateest-bps 8bit' <<<"$save" || fail "$save"
[ "$(grep '^\*' <<<"$save" | tr '\n' ' ')" = '*mangle *filter ' ] || fail "table order: $save"

# Linux keeps the estimator alive for the match after the RATEEST rule goes; a replay could not
# recreate it, so nfemu refuses the flush rather than write a state it cannot load.
cp "$state" "$work/before"
out=$(nf iptables-legacy -t mangle -F 2>&1) && fail "flush accepted: $out"
[ "$(grep -c '^nfemu: ' <<<"$out")" = 1 ] || fail "want one nfemu line: $out"
grep -q "^nfemu: $state: not saved, the new state would not load again: " <<<"$out" || fail "$out"
cmp -s "$state" "$work/before" || fail "the state changed"
note "${out%%$'\n'*}"
[ "$(nf iptables-legacy-save | strip_save)" = "$(strip_save <<<"$save")" ] || fail "the state no longer loads"
echo PASS
