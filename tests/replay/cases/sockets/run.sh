# The host's sockets (topology `listen` lines): a packet for a listening port is delivered
# ("DELIVER local to tcp 0.0.0.0:22"), never answered by nfemu -- the answers (SYN-ACK, data)
# are the capture's own frames, sent from the socket (owner uid 33 for the web server);
# closed ports get the stack's RST / port unreachable; 198.51.100.1:80 is closed (the web
# server is bound to 192.0.2.1 only).  --open-ports: every port listens.  The IPv6 lines of
# the topology are skipped with one warning; a rule naming an interface the topology lacks
# is warned about.  Then the listen line's errors.
R="--topology topology --rules rules.v4"
$NFEMU replay $R --trace - capture.pcapng
echo "== --open-ports"
$NFEMU replay $R --open-ports --trace - capture.pcapng 2>/dev/null | grep '^#'
echo "== errors"
for t in bad-*.topology; do $NFEMU replay --topology $t --rules rules.v4 capture.pcapng; echo "exit $?"; done
