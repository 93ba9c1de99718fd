#!/usr/bin/env bash
# Builds smainer-gpu's test classes and runs the job-runner benchmark (io.smainer.gpu.RunnerBenchmark).
# Options go to the benchmark, e.g.:
#   smainer-gpu/bench/run-bench.sh                      # Java n=256..2048, GPU n=256..8192 if one works
#   smainer-gpu/bench/run-bench.sh --no-gpu --freivalds # Java only, and time Freivalds' check
# On a GPU machine without Maven: build here with `BENCH_CP_OUT=cp.txt smainer-gpu/bench/run-bench.sh --no-java --no-gpu`,
# carry the jars listed in cp.txt, the two target/*classes dirs and a JRE (see docs/benchmarks.md),
# then run `java -Xmx12g -cp "$(cat cp.txt)" io.smainer.gpu.RunnerBenchmark --no-java`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cpfile="$(mktemp)"
# One reactor run: siblings resolve to their target/ folders (never `mvn install`); smainer-gpu runs last,
# so the class-path file holds its test class path.
mvn -B -q -o -pl smainer-gpu -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile"
cp="$root/smainer-gpu/target/test-classes:$root/smainer-gpu/target/classes:$(cat "$cpfile")"
rm -f "$cpfile"
if [[ -n "${BENCH_CP_OUT:-}" ]]; then
    echo "$cp" > "$BENCH_CP_OUT"
fi
exec "${JAVA:-java}" -Xmx${BENCH_HEAP:-12g} -cp "$cp" io.smainer.gpu.RunnerBenchmark "$@"
