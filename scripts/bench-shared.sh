#!/usr/bin/env bash
# The headline numbers of issue 14, on the independent harness (../shared/bench, its README):
# `run.sh` (rc-policy check vs openssl verify) and `node-floor.mjs` (the Node lower bound), run
# interleaved ROUNDS times -- run.sh A B, floor, run.sh A B, floor, ... -- so all three see the same
# machine load, then the medians, both ratios and the peak RSS. A script, not a test: it asserts nothing.
#
#   scripts/bench-shared.sh HARNESS_DIR [N] [ROUNDS]      (defaults: 10000, 5)
#
# openssl runs with OPENSSL_EXTRA_ARGS="-no-CApath -no-CAstore" (the host's CA folder does not weigh
# on the reference); the floor runs on the same Node as rc-policy (the project's node@^24).
set -euo pipefail
HARNESS=$(cd "${1:?usage: scripts/bench-shared.sh HARNESS_DIR [N] [ROUNDS]}" && pwd)
N=${2:-10000}
ROUNDS=${3:-5}
# RC_PROJECT_DIR: measure another build of rc-policy (its bin, lib/ and node_modules/)
PROJECT=${RC_PROJECT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NODE=$PROJECT/node_modules/.bin/node
[[ -x $NODE ]] || NODE=node
OUT=$(mktemp -d /tmp/rc-bench-shared.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

echo "load before: $(uptime)"
for ((i = 1; i <= ROUNDS; i++)); do
  OPENSSL_EXTRA_ARGS="-no-CApath -no-CAstore" REPS=1 WARMUP=$((i == 1 ? 1 : 0)) MAX_RATIO=100 \
    "$HARNESS/run.sh" "$PROJECT" "$N" >"$OUT/run.$i" 2>&1 || { cat "$OUT/run.$i" >&2; exit 2; }
  grep -E '^ +A1 |^ +B1 ' "$OUT/run.$i" | awk '{print $1, $2, $4}' >>"$OUT/ab"
  /usr/bin/time -f '%e %M' -o "$OUT/floor.time" "$NODE" "$HARNESS/node-floor.mjs" "/tmp/rcbench-$N" >"$OUT/floor.json"
  echo "F1 $(cat "$OUT/floor.time")" >>"$OUT/ab"
  echo "round $i: $(tail -n 3 "$OUT/ab" | tr '\n' ' ')"
done
echo "load after: $(uptime)"
head -n 8 "$OUT/run.1" | grep -E '^(machine|A:|A runs|B:|N=)'
python3 - "$OUT/ab" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
col = lambda p, i: [float(r[i]) for r in rows if r[0] == p]
a, b, f = col('A1', 1), col('B1', 1), col('F1', 1)
ma, mb, mf = statistics.median(a), statistics.median(b), statistics.median(f)
print(f"rc-policy check : median {ma:.2f} s  runs {' '.join(f'{x:.2f}' for x in a)}  peak RSS {max(col('A1', 2)) / 1024:.0f} MiB")
print(f"openssl verify  : median {mb:.2f} s  runs {' '.join(f'{x:.2f}' for x in b)}")
print(f"node-floor.mjs  : median {mf:.2f} s  runs {' '.join(f'{x:.2f}' for x in f)}")
print(f"ratio vs openssl = {ma / mb:.2f}   ratio vs floor = {ma / mf:.2f}")
PY
