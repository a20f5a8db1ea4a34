# Bad input gets one line naming the file and where (line, byte offset) and exit 1; usage
# mistakes exit 2.  Never a crash.
R="--topology ../common/topology --rules ok.rules"
run() { echo "\$ nfemu replay $*"; $NFEMU replay "$@" 2>&1; echo "exit $?"; }
run $R missing.pcapng
run $R not-a-capture.pcap
run $R /
run $R truncated.pcapng
run $R corrupt.pcapng
run $R truncated.pcap
run $R --in eth9 ../basic/capture.pcapng
run --topology bad-topology --rules ok.rules ../basic/capture.pcapng
run --topology missing-topology --rules ok.rules ../basic/capture.pcapng
run --topology ../common/topology --rules bad.rules ../basic/capture.pcapng
run --topology ../common/topology --rules missing.rules ../basic/capture.pcapng
run --topology ../common/topology --rules not-emulated.rules ../basic/capture.pcapng
run --topology ../common/topology --state "$OUT/missing.state" ../basic/capture.pcapng
run $R --state x.state ../basic/capture.pcapng
run --rules ok.rules ../basic/capture.pcapng
run $R
run $R --seed abc ../basic/capture.pcapng
run $R --bogus ../basic/capture.pcapng
run $R --trace "$OUT/no/such/dir/trace.txt" ../basic/capture.pcapng
run $R a.pcap b.pcap
