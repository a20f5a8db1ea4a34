# A command that does not read the connection table leaves it as it was: iptables (through the
# shim), lsmod and nfemu dump load the state without its conntrack section and write that
# section back byte for byte, so the entries a replay made are all still there afterwards,
# and /proc/net/nf_conntrack, which reads them, loads it.
S="$OUT/fw.state"
$NFEMU exec --state "$S" -- iptables-legacy-restore < ../nat/rules.v4
$NFEMU replay --topology ../common/topology --state "$S" capture.pcapng > /dev/null
$NFEMU conntrack --state "$S" -L > "$OUT/before.txt"
$NFEMU exec --state "$S" -- iptables-legacy -A INPUT -s 192.0.2.250 -j ACCEPT
$NFEMU exec --state "$S" -- iptables-legacy -t nat -I POSTROUTING -d 192.0.2.251 -j ACCEPT
$NFEMU lsmod --state "$S" | grep -c '^nf_conntrack '
$NFEMU dump --state "$S" filter > /dev/null
echo "entries in /proc/net/nf_conntrack: $($NFEMU proc --state "$S" net/nf_conntrack | wc -l)"
$NFEMU conntrack --state "$S" -L > "$OUT/after.txt"
cmp "$OUT/before.txt" "$OUT/after.txt" && echo "conntrack table unchanged: $(wc -l < "$OUT/after.txt") lines"
$NFEMU exec --state "$S" -- iptables-legacy-save | grep -c '192.0.2.25[01]'
rm -f "$S" "$S".* "$OUT/before.txt" "$OUT/after.txt"
