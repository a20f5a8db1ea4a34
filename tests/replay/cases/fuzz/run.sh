# Mutated and truncated captures: replayed, or refused with one line and exit 1; never a crash.
python3 fuzz.py 200
