#!/usr/bin/env bash
# Runnel against Go: runs the JMH benchmarks (Runnel beside the JDK and jox), the same workloads in
# Go (bench/go), and the main programs (BlockedGoroutines; MutexStarvation and RWMutexStarvation;
# TimerMemory), then prints a summary. Raw output goes to bench/results/<UTC time>/ (git-ignored).
# Five suites: channels (the default; about 15 minutes on 2 cores: JMH ~7, Go ~2,
# BlockedGoroutines ~5), sync (about 8 minutes: JMH ~5, Go ~2, the starvation programs ~1/2),
# time (about 13 minutes: JMH ~8 for ContextBenchmark and TimerBenchmark, Go ~4, TimerMemory
# and Go's timer memory ~1), xsync (about 12 minutes: JMH ~8, Go ~4) and kit (about 8 minutes:
# JMH ~7 for PipelineBenchmark and WorkerPoolBenchmark, Go ~1); SUITE=all runs all five.
# SUITE=scaling (about 12 minutes: JMH ~9, Go ~3) runs only when named; see below.
#
#   bench/run-vs-go.sh                    the channel suite, with the defaults below
#   SUITE=sync bench/run-vs-go.sh         Mutex, RWMutex, WaitGroup, SyncMap, Pool against Go's sync
#   SUITE=time bench/run-vs-go.sh         contexts (cancel a 10,000-child tree, with and without
#                                         10,000 waiters; value lookup through 10 contexts;
#                                         receive(ctx)) and timers (a million started and
#                                         stopped, their heap; time.After in a select loop)
#                                         against Go's context and time and the JDK's
#                                         CompletableFuture and ScheduledThreadPoolExecutor
#   SUITE=xsync bench/run-vs-go.sh        WeightedSemaphore (uncontended; 16 goroutines on 4
#                                         units), SingleFlight (100 callers of one key), RateLimiter
#                                         (allow at 10^9/s and 1000/s, alone and 8 goroutines),
#                                         ErrGroup (100,000 tasks, limit 8) against
#                                         golang.org/x/sync, golang.org/x/time/rate and Go's
#                                         channel idioms, and the JDK's Semaphore, CompletableFuture
#                                         in a ConcurrentHashMap, virtual-thread executor, Guava's
#                                         RateLimiter and Bucket4j. Go's x/sync and x/time come
#                                         from Debian's golang-golang-x-sync-dev and
#                                         golang-golang-x-time-dev if installed (offline), else
#                                         from the module proxy.
#   SUITE=kit bench/run-vs-go.sh          Pipeline (source, map on 4 workers, filter, sink) and the
#                                         worker pool against the same graphs in Go (a jobs
#                                         channel, 8 goroutines, a WaitGroup)
#   SUITE=scaling bench/run-vs-go.sh      channel throughput over a grid: 1, 10, 100 and 1,000
#                                         senders and as many receivers on one channel of capacity
#                                         0, 1, 16, 128 or 1024 (ScalingBenchmark: Runnel,
#                                         ArrayBlockingQueue, SynchronousQueue at capacity 0; Go's
#                                         -workload scaling), 100,000 messages per batch; then
#                                         ScalingChart writes scaling.md (a table) and scaling.svg
#                                         (a chart) beside the raw output. Its defaults are shorter
#                                         (JMH: the class's 2 x 1 s warm-up, 3 x 1 s measured; Go:
#                                         -wi 2 -i 5 -w 1s -r 1s) because the grid has 40 points.
#   JMH_ARGS="-f 2 -wi 5 -i 10" bench/run-vs-go.sh
#   SKIP_JMH=1 SKIP_BLOCKED=1 bench/run-vs-go.sh     only the Go side
#
# Settings (environment):
#   SUITE         channels, sync, time, xsync, kit, all or scaling  (default: channels)
#   JMH_ARGS      JMH options            (default: -f 1 -wi 3 -i 5 -w 2s -r 2s; scaling: -f 1)
#   JMH_REGEX     benchmarks to run      (default: the suite's JMH benchmarks)
#   GO_ARGS       options of the Go side (default: -wi 3 -i 5 -w 2s -r 2s, same meaning as JMH's;
#                 scaling: -wi 2 -i 5 -w 1s -r 1s)
#   BLOCKED_N     blocked goroutines     (default: 1000000; channels suite)
#   BLOCKED_ROUNDS rounds of that        (default: 3)
#   BLOCKED_JVM   JVM flags for it       (default: -Xms8g -Xmx8g)
#   STARVATION_MS run time per variant of MutexStarvation and RWMutexStarvation, and of Go's
#                 starvation and rwmutex workloads (default: 2000; sync suite)
#   TIMER_N       timers alive at once in TimerMemory and Go's timermem (default: 1000000; time suite)
#   TIMER_ROUNDS  rounds of that         (default: 3)
#   TIMER_JVM     JVM flags for TimerMemory (default: -Xms2g -Xmx2g)
#   SKIP_JMH, SKIP_GO, SKIP_BLOCKED, SKIP_STARVATION, SKIP_TIMERMEM=1    leave a part out
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")

SUITE=${SUITE:-channels}
CHANNEL_JMH='PingPong|BufferedChannel|Select'
SYNC_JMH='Mutex|WaitGroup|SyncMap|Pool'
TIME_JMH='Context|Timer'
XSYNC_JMH='WeightedSemaphore|SingleFlight|RateLimiter|ErrGroup'
KIT_JMH='Pipeline|WorkerPool'
SUITE_JMH_ARGS='-f 1 -wi 3 -i 5 -w 2s -r 2s'
SUITE_GO_ARGS='-wi 3 -i 5 -w 2s -r 2s'
case "$SUITE" in
  channels) SUITE_JMH=$CHANNEL_JMH; GO_WORKLOADS=channels; SKIP_STARVATION=1; SKIP_TIMERMEM=1 ;;
  sync) SUITE_JMH=$SYNC_JMH; GO_WORKLOADS=mutex,waitgroup,syncmap,pool; SKIP_BLOCKED=1; SKIP_TIMERMEM=1 ;;
  time) SUITE_JMH=$TIME_JMH; GO_WORKLOADS=context,timers; SKIP_BLOCKED=1; SKIP_STARVATION=1 ;;
  xsync) SUITE_JMH=$XSYNC_JMH; GO_WORKLOADS=xsync; SKIP_BLOCKED=1; SKIP_STARVATION=1; SKIP_TIMERMEM=1 ;;
  kit) SUITE_JMH=$KIT_JMH; GO_WORKLOADS=kit; SKIP_BLOCKED=1; SKIP_STARVATION=1; SKIP_TIMERMEM=1 ;;
  all) SUITE_JMH="$CHANNEL_JMH|$SYNC_JMH|$TIME_JMH|$XSYNC_JMH|$KIT_JMH"
       GO_WORKLOADS=channels,mutex,waitgroup,syncmap,pool,context,timers,xsync,kit ;;
  scaling) SUITE_JMH=Scaling; GO_WORKLOADS=scaling; SKIP_BLOCKED=1; SKIP_STARVATION=1; SKIP_TIMERMEM=1
           SUITE_JMH_ARGS='-f 1'; SUITE_GO_ARGS='-wi 2 -i 5 -w 1s -r 1s' ;;
  *) echo "SUITE must be channels, sync, time, xsync, kit, all or scaling, not '$SUITE'" >&2; exit 2 ;;
esac
JMH_ARGS=${JMH_ARGS:-$SUITE_JMH_ARGS}
JMH_REGEX=${JMH_REGEX:-dev.runnel.bench.($SUITE_JMH)Benchmark}
GO_ARGS=${GO_ARGS:-$SUITE_GO_ARGS}
BLOCKED_N=${BLOCKED_N:-1000000}
BLOCKED_ROUNDS=${BLOCKED_ROUNDS:-3}
BLOCKED_JVM=${BLOCKED_JVM:--Xms8g -Xmx8g}
STARVATION_MS=${STARVATION_MS:-2000}
TIMER_N=${TIMER_N:-1000000}
TIMER_ROUNDS=${TIMER_ROUNDS:-3}
TIMER_JVM=${TIMER_JVM:--Xms2g -Xmx2g}

OUT="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

# ---- a JDK 21+, found as ../run finds it
java_major() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ -n "$v" && -x "$1/bin/javac" ]] && echo "${v#1.}"
}
find_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME" || echo 0) >= 21 )); then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [[ -d "$d" && -x "$d/bin/javac" ]] || continue
    v=$(java_major "$d" || true)
    if [[ -n "$v" ]] && (( v >= 21 && v > best_v )); then best="$d"; best_v=$v; fi
  done
  [[ -n "$best" ]] && echo "$best"
}
JDK=$(find_jdk || true)
[[ -n "$JDK" ]] || { echo "run-vs-go.sh needs a JDK 21 or newer" >&2; exit 1; }

# ---- (a) Go
if [[ -z "${SKIP_GO:-}" ]] && ! command -v go >/dev/null 2>&1; then
  log "installing Go (golang-go)"
  SUDO=(); (( EUID == 0 )) || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go
fi

{
  echo "date: $(date -u)"
  echo "host: $(uname -srm), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$JDK/bin/java" -version 2>&1 | tr '\n' ' ')"
  command -v go >/dev/null 2>&1 && echo "go: $(go version)"
  echo "SUITE=$SUITE JMH_REGEX=$JMH_REGEX JMH_ARGS=$JMH_ARGS GO_ARGS=$GO_ARGS"
  echo "BLOCKED_N=$BLOCKED_N BLOCKED_ROUNDS=$BLOCKED_ROUNDS BLOCKED_JVM=$BLOCKED_JVM STARVATION_MS=$STARVATION_MS"
  echo "TIMER_N=$TIMER_N TIMER_ROUNDS=$TIMER_ROUNDS TIMER_JVM=$TIMER_JVM"
  echo "skipped: ${SKIP_JMH:+JMH }${SKIP_GO:+Go }${SKIP_BLOCKED:+BlockedGoroutines }${SKIP_STARVATION:+starvation }${SKIP_TIMERMEM:+TimerMemory}"
} | tee "$OUT/env.txt"

# ---- (b, c) build benchmarks.jar and run JMH through ../run
if [[ -z "${SKIP_JMH:-}" ]]; then
  log "JMH: $JMH_REGEX $JMH_ARGS"
  # shellcheck disable=SC2086 # JMH_ARGS is a list of options
  JAVA_HOME="$JDK" "$ROOT/run" bench "$JMH_REGEX" $JMH_ARGS -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
elif [[ -z "${SKIP_BLOCKED:-}" || -z "${SKIP_STARVATION:-}" || -z "${SKIP_TIMERMEM:-}" ]]; then
  log "building benchmarks.jar"
  JAVA_HOME="$JDK" "$ROOT/run" bench -l >/dev/null
fi

# ---- (d) Go
if [[ -z "${SKIP_GO:-}" ]]; then
  log "Go: $GO_ARGS"
  # golang.org/x/sync and x/time: Debian's sources if installed (works offline, through an
  # alternate go.mod with replace directives, kept with the results), else the module proxy
  DEB_X=/usr/share/gocode/src/golang.org/x
  if [[ -f "$DEB_X/sync/errgroup/errgroup.go" && -f "$DEB_X/time/rate/rate.go" ]]; then
    echo "Go modules: golang.org/x/sync and x/time from $DEB_X (Debian packages)"
    cp "$BENCH/go/go.mod" "$OUT/go.offline.mod"
    (cd "$BENCH/go" &&
      go mod edit -modfile="$OUT/go.offline.mod" -replace golang.org/x/sync="$DEB_X/sync" \
        -replace golang.org/x/time="$DEB_X/time" &&
      GOFLAGS=-mod=mod go build -modfile="$OUT/go.offline.mod" -o bin/runnelbench .)
  else
    echo "Go modules: golang.org/x/sync and x/time from the module proxy"
    (cd "$BENCH/go" && GOFLAGS=-mod=mod go build -o bin/runnelbench .) || {
      echo "cannot get golang.org/x/sync and x/time: offline, install golang-golang-x-sync-dev and golang-golang-x-time-dev" >&2
      exit 1
    }
  fi
  # shellcheck disable=SC2086
  "$BENCH/go/bin/runnelbench" -workload "$GO_WORKLOADS" $GO_ARGS 2>&1 | tee "$OUT/go.txt"
  if [[ -z "${SKIP_STARVATION:-}" ]]; then
    "$BENCH/go/bin/runnelbench" -workload starvation,rwmutex -window "${STARVATION_MS}ms" 2>&1 | tee -a "$OUT/go.txt"
  fi
  # in a fresh process: the runtime keeps dead goroutines' memory for reuse
  if [[ -z "${SKIP_BLOCKED:-}" ]]; then
    "$BENCH/go/bin/runnelbench" -workload blocked -n "$BLOCKED_N" -rounds "$BLOCKED_ROUNDS" 2>&1 | tee -a "$OUT/go.txt"
  fi
  # one fresh process per kind: a P's timer heap keeps its capacity, and stopped timers linger in it
  if [[ -z "${SKIP_TIMERMEM:-}" ]]; then
    for kind in newtimer afterfunc; do
      "$BENCH/go/bin/runnelbench" -workload timermem -timerkind "$kind" -timers "$TIMER_N" \
        -rounds "$TIMER_ROUNDS" 2>&1 | tee -a "$OUT/go.txt"
    done
  fi
fi

# ---- (e) BlockedGoroutines
if [[ -z "${SKIP_BLOCKED:-}" ]]; then
  log "BlockedGoroutines: $BLOCKED_JVM, N=$BLOCKED_N"
  # shellcheck disable=SC2086
  "$JDK/bin/java" $BLOCKED_JVM -cp "$ROOT/bench/target/benchmarks.jar" dev.runnel.bench.BlockedGoroutines \
    "$BLOCKED_N" "$BLOCKED_ROUNDS" 2>&1 | tee "$OUT/blocked.txt"
fi

# ---- (f) MutexStarvation, RWMutexStarvation
if [[ -z "${SKIP_STARVATION:-}" ]]; then
  log "MutexStarvation, RWMutexStarvation: ${STARVATION_MS} ms per variant"
  "$JDK/bin/java" -cp "$ROOT/bench/target/benchmarks.jar" dev.runnel.bench.MutexStarvation \
    "$STARVATION_MS" 2>&1 | tee "$OUT/starvation.txt"
  echo | tee -a "$OUT/starvation.txt"
  "$JDK/bin/java" -cp "$ROOT/bench/target/benchmarks.jar" dev.runnel.bench.RWMutexStarvation \
    "$STARVATION_MS" 2>&1 | tee -a "$OUT/starvation.txt"
fi

# ---- (g) TimerMemory
if [[ -z "${SKIP_TIMERMEM:-}" ]]; then
  log "TimerMemory: $TIMER_JVM, N=$TIMER_N"
  # shellcheck disable=SC2086
  "$JDK/bin/java" $TIMER_JVM -cp "$ROOT/bench/target/benchmarks.jar" dev.runnel.bench.TimerMemory \
    "$TIMER_N" "$TIMER_ROUNDS" 2>&1 | tee "$OUT/timermem.txt"
fi

# ---- (h) the scaling table and chart
if [[ "$SUITE" == scaling ]]; then
  if [[ -f "$OUT/jmh.json" ]]; then
    log "ScalingChart: scaling.md, scaling.svg"
    "$JDK/bin/java" -cp "$ROOT/bench/target/benchmarks.jar" dev.runnel.bench.ScalingChart \
      "$OUT/jmh.json" "$OUT/go.txt" "$OUT/scaling.md" "$OUT/scaling.svg"
  else
    echo "no $OUT/jmh.json (SKIP_JMH?): no scaling table or chart" >&2
  fi
fi

# ---- summary
{
  echo "Runnel vs Go: $(date -u), $(nproc) CPUs, load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -f "$OUT/jmh.txt" ]]; then
    echo; echo "Java (JMH; ns/op = per round trip, lock/unlock, goroutine, lookup, receive, timer, select,"
    echo "acquire/release, singleflight caller, allow call, errgroup task, pipeline item or pool job; us/op = per cancel of a"
    echo "10,000-child tree; ops/s = messages or operations per second):"
    awk '/^Benchmark +(Mode|\()/ {t=""; on=1} on && (/^Benchmark result/ || NF == 0) {on=0}
         on {t=t $0 "\n"} END {printf "%s", t}' "$OUT/jmh.txt"
    # SingleFlightBenchmark's flights per invocation, RateLimiterBenchmark's allowed fraction
    awk '/^# Benchmark: / {b=$3} /^# Parameters: / {p=" " substr($0, 15)} /^# Benchmark: / {p=""}
         /^(flights per invocation|allowed: )/ {sub(/^dev\.runnel\.bench\./, "", b); print "  " b p ": " $0}' "$OUT/jmh.txt"
  fi
  if [[ -f "$OUT/go.txt" ]]; then
    echo; echo "Go (median of measured iterations; Go's target for ping-pong: 279 ns; Go 1.19's for cancel10k:"
    echo "860 us, cancel10kWaiters: 6400 us; timermem: bytes per live timer, both kinds queued in Go 1.19):"
    grep '^RESULT' "$OUT/go.txt" | sed 's/^RESULT /  /'
    grep -E '^(singleflight: |rate allow .*: allowed)' "$OUT/go.txt" | sed 's/^/  /' || true
  fi
  if [[ -f "$OUT/blocked.txt" ]]; then
    echo; echo "Blocked goroutines (Java):"
    sed -n '/^median of/,/^ratio/p' "$OUT/blocked.txt"
  fi
  if [[ -f "$OUT/starvation.txt" ]]; then
    echo; echo "Mutex starvation and RWMutex readers and writer (Java):"
    grep -A3 '^lock ' "$OUT/starvation.txt" | sed 's/^--$//; s/^./  &/'
  fi
  if [[ -f "$OUT/timermem.txt" ]]; then
    echo; echo "Timers alive at once (Java; Runnel newTimer is not queued, afterFunc and STPE are):"
    sed -n '/^N=.*rounds/,/^$/p' "$OUT/timermem.txt" | sed '/^$/d; s/^./  &/'
  fi
  if [[ -f "$OUT/scaling.md" ]]; then
    echo; echo "Scaling (M msgs/s; chart: $OUT/scaling.svg):"
    cat "$OUT/scaling.md"
  fi
  echo; echo "raw output: $OUT"
} | tee "$OUT/summary.txt"
