# --explain: for every packet each hook function nf_hook_slow calls (priority, verdict),
# ipt_do_table's walk (jump with the jumpstack push, RETURN popping back, goto, the rule that
# decided), conntrack's and NAT's decisions inside the hook functions that made them, a LOG
# target that continues (with its nf_log_packet line) and an NFQUEUE with no listener (the
# nf_queue line: dropped); before packet #1, the module loads and references of the rules' load.
$NFEMU replay --topology ../common/topology --rules rules.v4 --explain --trace "$OUT/trace.txt" \
	capture.pcapng
