#!/usr/bin/env bash
# The Redis-scale benchmark (issue 20) in one command, from the repository root:
#
#   bash benchmarks/redis-scale.sh            # the full sitting (about 25 minutes on two quiet cores)
#   TASKS=24000 WARMUP=12000 bash benchmarks/redis-scale.sh   # shorter runs
#
# It builds the harness, then runs LoadBench in this order, printing each run's report as it ends:
#   1-4. closed loop, alternating: memory store, Redis, memory store, Redis (same warm-up for each)
#   5.   open loop at 400 tasks/s on Redis (p99 submit-to-assign); an open-loop warm-up ends with 30 s at the rate
#        (paced_s), so that the JIT has settled on the paced load before it is measured
#   6.   open loop at twice the Redis closed-loop rate of run 4, with limits.max_pending_tasks=$PENDING (the
#        excess is refused 503 with Retry-After; the report's "lost" must be 0)
#   7.   two relayers on one Redis, closed loop (aggregate and each relayer's share)
# and a summary. Each report carries the machine's load average: figures from a shared machine are noisy.
set -euo pipefail
TASKS=${TASKS:-60000}
WARMUP=${WARMUP:-30000}
OPEN_TASKS=${OPEN_TASKS:-$((WARMUP + 10000))}
PENDING=${PENDING:-400}
OUT=${OUT:-target/redis-scale}
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am -DskipTests -Dcheckstyle.skip test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
cd benchmarks
mkdir -p "$OUT"
CP="target/classes:$(cat target/bench-classpath.txt)"
run() { # name, LoadBench options...
    local name=$1
    shift
    echo "== $name: LoadBench $*"
    java -cp "$CP" io.smainer.relayer.bench.LoadBench "$@" > "$OUT/$name.log" 2>&1 || { tail -30 "$OUT/$name.log"; return 1; }
    sed -n '/^LOAD /,$p' "$OUT/$name.log" | grep -v '^\[' 
    grep -h '^\[demander\] DEMAND measured phase' "$OUT/$name.log" || true
}
rate_of() { # the end-to-end tasks/s of a closed-loop run
    grep -h 'tasks/s end to end (signatures checked)' "$OUT/$1.log" | sed -E 's/.*: ([0-9]+) tasks\/s end to end.*/\1/'
}
run memory-1 tasks=$TASKS warmup=$WARMUP
run redis-1 tasks=$TASKS warmup=$WARMUP store=redis
run memory-2 tasks=$TASKS warmup=$WARMUP
run redis-2 tasks=$TASKS warmup=$WARMUP store=redis
run redis-open-400 tasks=$OPEN_TASKS warmup=$WARMUP rate=400 store=redis
OVER=$(( $(rate_of redis-2) * 2 ))
run redis-open-overload tasks=$OPEN_TASKS warmup=$WARMUP rate=$OVER store=redis "relayer=limits.max_pending_tasks=$PENDING"
run redis-two-relayers tasks=$TASKS warmup=$WARMUP store=redis relayers=2
echo
echo "== summary (tasks/s end to end, closed loop): memory $(rate_of memory-1), $(rate_of memory-2);" \
    "redis $(rate_of redis-1), $(rate_of redis-2); two relayers on redis $(rate_of redis-two-relayers);" \
    "overload rate $OVER tasks/s; logs in benchmarks/$OUT"
