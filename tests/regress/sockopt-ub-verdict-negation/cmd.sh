# A policy verdict of INT_MIN: refused with EINVAL and the reason, with no undefined
# behaviour on the way (clang's UBSan flags -INT_MIN).  repro is mk.py's blob as a
# tests/fuzz/fuzz_sockopt record (op 0 = IPT_SO_SET_REPLACE); the shim sends blob.bin too.
"$FUZZ_SOCKOPT" -v repro
