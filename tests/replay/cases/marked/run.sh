# --trace-only-marked: TRACE lines only for what the TRACE target marked (the 443 packet);
# without it, every packet is traced as the harness's nftrace chain does.
$NFEMU replay --topology ../common/topology --rules rules.v4 --trace-only-marked \
	--trace "$OUT/trace-marked.txt" capture.pcapng
$NFEMU replay --topology ../common/topology --rules rules.v4 --trace "$OUT/trace-all.txt" \
	capture.pcapng > /dev/null
