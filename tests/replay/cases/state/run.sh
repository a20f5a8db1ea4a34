# --state: the replay starts from a saved kernel and writes its counters back, so
# iptables-legacy-save -c and -L -v show what the packets did; a second replay adds to them.
S="$OUT/fw.state"
$NFEMU exec --state "$S" -- iptables-legacy-restore < ../common/rules.v4
$NFEMU replay --topology ../common/topology --state "$S" capture.pcapng
$NFEMU exec --state "$S" -- iptables-legacy-save -c | grep -v '^#'
$NFEMU replay --topology ../common/topology --state "$S" capture.pcapng > /dev/null
$NFEMU exec --state "$S" -- iptables-legacy -L FORWARD -v -n -x
rm -f "$S" "$S".*
