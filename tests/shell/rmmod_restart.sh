#!/usr/bin/env bash
# The init-script restart: rules hold their modules, rmmod refuses while in use (naming why),
# and succeeds after `iptables -F; -X; -Z`; removing a table module removes its table.
set -u
. "$(dirname "$0")/lib.sh"
export NFEMU_STATE="$state"
rc_all=0
expect() { if ! eval "$2"; then echo "FAIL: $1"; rc_all=1; fi; }

$NFEMU exec -- iptables-legacy -N ssh || rc_all=1
$NFEMU exec -- iptables-legacy -A INPUT -p tcp --dport 22 -j ssh || rc_all=1
$NFEMU exec -- iptables-legacy -A ssh -m comment --comment admin -j ACCEPT || rc_all=1
$NFEMU exec -- iptables-legacy -t mangle -A PREROUTING -j MARK --set-mark 1 || rc_all=1

out=$($NFEMU lsmod)
expect "xt_tcpudp held by one rule" 'grep -Eq "^xt_tcpudp +[0-9]+ +1$" <<<"$out"'
expect "iptable_filter held by its rules" 'grep -Eq "^iptable_filter +[0-9]+ +1$" <<<"$out"'
expect "ip_tables holders name the tables" 'grep -Eq "^ip_tables +[0-9]+ +2 (iptable_mangle,iptable_filter|iptable_filter,iptable_mangle)$" <<<"$out"'

err=$($NFEMU rmmod xt_tcpudp 2>&1); rc=$?
expect "rmmod xt_tcpudp refused" '[ $rc -ne 0 ] && grep -q "is in use" <<<"$err"'
err=$($NFEMU rmmod x_tables 2>&1); rc=$?
expect "rmmod x_tables names holders" '[ $rc -ne 0 ] && grep -q "is in use by:.*ip_tables" <<<"$err"'
err=$($NFEMU rmmod iptable_filter 2>&1); rc=$?
expect "rmmod iptable_filter explains the table" '[ $rc -ne 0 ] && grep -q "the filter table holds it" <<<"$err"'

# what an init script's stop does
$NFEMU exec -- iptables-legacy -F && $NFEMU exec -- iptables-legacy -X && $NFEMU exec -- iptables-legacy -Z || rc_all=1
$NFEMU rmmod xt_comment xt_tcpudp iptable_filter || { echo "FAIL: rmmod after -F -X -Z"; rc_all=1; }
names=$($NFEMU proc net/ip_tables_names)
expect "filter table gone, mangle stays" '[ "$names" = "mangle" ]'
err=$($NFEMU rmmod iptable_mangle 2>&1); rc=$?
expect "mangle still has a rule" '[ $rc -ne 0 ]'
$NFEMU exec -- iptables-legacy -t mangle -F || rc_all=1
$NFEMU rmmod xt_mark iptable_mangle || { echo "FAIL: rmmod mangle"; rc_all=1; }
expect "no tables left" '[ -z "$($NFEMU proc net/ip_tables_names)" ]'
# the next use loads the table module again, as modprobe would
$NFEMU exec -- iptables-legacy -L -n >/dev/null || rc_all=1
expect "filter is back after use" '[ "$($NFEMU proc net/ip_tables_names)" = "filter" ]'
exit $rc_all
