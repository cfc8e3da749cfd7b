// Command runnelbench runs Go's side of Runnel's benchmarks: the same workloads, with the same
// message counts, as bench/src/main/java/dev/runnel/bench.
//
//	go build -o bin/runnelbench . && bin/runnelbench [-workload all|channels|sync|time|LIST]
//
// LIST is comma-separated: pingpong, buffered, select, blocked (the channel workloads; "channels"
// is the first three), mutex, starvation, rwmutex, waitgroup, syncmap, pool (the sync
// workloads, all six of them "sync"), and context, timers, timermem (the context and time
// workloads; "time" is context and timers), and semaphore, singleflight, ratelimit, errgroup
// (golang.org/x/sync and golang.org/x/time/rate; "xsync" is all four), and pipeline, workerpool
// (the kit's workloads: "kit" is both); "all" is everything. scaling (ScalingBenchmark's grid: 1 to
// 1,000 senders and as many receivers on one channel of capacity 0 to 1024, 40 points) runs only
// when named, never in "channels" or "all".
// blocked and timermem measure memory and are best run alone, each in a fresh process.
//
// The x/sync and x/time modules come from the module proxy (GOFLAGS=-mod=mod fills go.sum), or
// offline from Debian's golang-golang-x-sync-dev and golang-golang-x-time-dev through an
// alternate go.mod with replace directives: ../run-vs-go.sh does either.
//
// Like JMH, each measurement is warm-up iterations then measured iterations, each iteration
// repeating a batch (start the goroutines, move the batch's messages, wait for them) until the
// iteration time has passed. Every line reports the median, best and mean over the measured
// iterations; the summary lines that start with RESULT use the median.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

const (
	pingPongRoundTrips = 10_000  // PingPongBenchmark.ROUND_TRIPS
	bufferedMessages   = 100_000 // BufferedChannelBenchmark.MESSAGES
	bufferedCapacity   = 128     // BufferedChannelBenchmark.CAPACITY
	selectMessages     = 100_000 // SelectBenchmark.MESSAGES
	scalingMessages    = 100_000 // ScalingBenchmark.MESSAGES

	mutexUncontendedOps = 100_000 // lock/unlock pairs per batch (JMH times them one by one)
	mutexIncrements     = 100_000 // MutexBenchmark.INCREMENTS
	rwReaders           = 8       // RWMutexStarvation.READERS
	rwReadsPerWrite     = 100     // RWMutexStarvation.READS_PER_WRITE
	waitGroupGoroutines = 10_000  // WaitGroupBenchmark.GOROUTINES
	syncMapGoroutines   = 8       // SyncMapBenchmark.GOROUTINES
	syncMapKeys         = 10_000  // SyncMapBenchmark.KEYS
	syncMapOperations   = 100_000 // SyncMapBenchmark.OPERATIONS
	poolGoroutines      = 8       // PoolBenchmark.GOROUTINES
	poolSize            = 1024    // PoolBenchmark.SIZE
	poolOperations      = 100_000 // PoolBenchmark.OPERATIONS

	contextChildren = 10_000    // ContextBenchmark.CHILDREN
	contextChain    = 10        // ContextBenchmark.CHAIN
	valueLookups    = 1_000_000 // lookups per batch (JMH times them one by one)
	ctxReadyOps     = 100_000   // ContextBenchmark.READY_OPS
	ctxRoundTrips   = 10_000    // ContextBenchmark.ROUND_TRIPS
	timersStarted   = 1_000_000 // TimerBenchmark.TIMERS
	afterSelects    = 100_000   // TimerBenchmark.SELECTS
	afterRoundTrips = 10_000    // TimerBenchmark.ROUND_TRIPS

	semPermits         = 4       // WeightedSemaphoreBenchmark.PERMITS
	semAcquires        = 100_000 // WeightedSemaphoreBenchmark.ACQUIRES
	semGoroutines      = 16      // WeightedSemaphoreBenchmark.goroutines
	semUncontendedOps  = 100_000 // acquire/release pairs per batch (JMH times them one by one)
	sfCallers          = 100     // SingleFlightBenchmark.CALLERS
	rateBurst          = 100     // RateLimiterBenchmark.BURST
	rateGoroutines     = 8       // RateLimiterBenchmark.GOROUTINES
	rateCalls          = 100_000 // RateLimiterBenchmark.CALLS
	rateUncontendedOps = 100_000 // Allow calls per batch (JMH times them one by one)
	errgroupTasks      = 100_000 // ErrGroupBenchmark.TASKS
	errgroupLimit      = 8       // ErrGroupBenchmark.LIMIT

	pipelineItems    = 100_000   // PipelineBenchmark.ITEMS
	pipelineWorkers  = 4         // PipelineBenchmark.WORKERS
	pipelineCapacity = 16        // PipelineBenchmark.CAPACITY
	workerPoolJobs   = 1_000_000 // tiny jobs per batch (WorkerPoolBenchmark runs 100,000 per op)
	workerPoolSize   = 8         // WorkerPoolBenchmark.WORKERS
	workerPoolQueue  = 1024      // WorkerPoolBenchmark.QUEUE
)

var (
	scalingN          = []int{1, 10, 100, 1000}    // ScalingBenchmark.n
	scalingCapacities = []int{0, 1, 16, 128, 1024} // ScalingBenchmark.capacity
)

var (
	workload   = flag.String("workload", "all", "all, channels, sync, time, kit, or a comma-separated list of pingpong, buffered, select, scaling, blocked, mutex, starvation, rwmutex, waitgroup, syncmap, pool, context, timers, timermem, xsync, semaphore, singleflight, ratelimit, errgroup, pipeline, workerpool")
	warmups    = flag.Int("wi", 3, "warm-up iterations")
	iterations = flag.Int("i", 5, "measured iterations")
	warmupTime = flag.Duration("w", 2*time.Second, "warm-up iteration time")
	iterTime   = flag.Duration("r", 2*time.Second, "measured iteration time")
	blockedN   = flag.Int("n", 1_000_000, "blocked goroutines")
	rounds     = flag.Int("rounds", 3, "rounds of the blocked-goroutines and timer-memory measurements")
	timersN    = flag.Int("timers", 1_000_000, "timermem: timers alive at once")
	timerKind  = flag.String("timerkind", "all", "timermem: newtimer, afterfunc or all (best one per process)")
	window     = flag.Duration("window", 2*time.Second, "run time of starvation and rwmutex, per measurement")
	hold       = flag.Duration("hold", 100*time.Microsecond, "starvation: how long the hog holds the lock")
	nap        = flag.Duration("nap", 100*time.Microsecond, "starvation: how long the napper sleeps between locks")
)

func main() {
	flag.Parse()
	fmt.Printf("%s %s/%s, NumCPU=%d, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("iterations: %d warm-up x %v, %d measured x %v\n\n", *warmups, *warmupTime, *iterations, *iterTime)
	chosen := map[string]bool{}
	for _, w := range strings.Split(*workload, ",") {
		chosen[strings.TrimSpace(w)] = true
	}
	all := chosen["all"]
	channels := all || chosen["channels"]
	syncs := all || chosen["sync"]
	times := all || chosen["time"]
	xsync := all || chosen["xsync"]
	kit := all || chosen["kit"]
	ran := false
	if channels || chosen["pingpong"] {
		ran = true
		latency("pingpong unbuffered", "round-trip", pingPongRoundTrips, pingPong)
	}
	if channels || chosen["buffered"] {
		ran = true
		for _, pairs := range []int{1, 4} {
			pairs := pairs
			throughput(fmt.Sprintf("buffered cap=%d pairs=%d", bufferedCapacity, pairs), "msgs", bufferedMessages,
				func() { buffered(pairs) })
		}
	}
	if channels || chosen["select"] {
		ran = true
		for _, capacity := range []int{0, 128} {
			capacity := capacity
			throughput(fmt.Sprintf("select cap=%d", capacity), "msgs", selectMessages, func() { selectTwo(capacity) })
		}
	}
	if chosen["scaling"] {
		ran = true
		for _, n := range scalingN {
			for _, capacity := range scalingCapacities {
				n, capacity := n, capacity
				throughput(fmt.Sprintf("scaling n=%d cap=%d", n, capacity), "msgs", scalingMessages,
					func() { producersConsumers(n, capacity, scalingMessages) })
			}
		}
	}
	if all || chosen["blocked"] {
		ran = true
		blocked(*blockedN, *rounds)
	}
	if syncs || chosen["mutex"] {
		ran = true
		latency("mutex uncontended", "lock-unlock", mutexUncontendedOps, mutexUncontended)
		for _, goroutines := range []int{2, 8} {
			goroutines := goroutines
			throughput(fmt.Sprintf("mutex contended goroutines=%d", goroutines), "ops", mutexIncrements,
				func() { mutexContended(goroutines) })
		}
	}
	if syncs || chosen["starvation"] {
		ran = true
		starvation(*window, *hold, *nap)
	}
	if syncs || chosen["rwmutex"] {
		ran = true
		rwStarvation(*window)
	}
	if syncs || chosen["waitgroup"] {
		ran = true
		latency("waitgroup 10k", "goroutine", waitGroupGoroutines, waitGroup)
	}
	if syncs || chosen["syncmap"] {
		ran = true
		fillSyncMap()
		throughput("sync.Map 8g 10k 1% store", "ops", syncMapOperations, syncMapMixed)
	}
	if syncs || chosen["pool"] {
		ran = true
		throughput("sync.Pool 1KiB 8g", "ops", poolOperations, poolGetPut)
		throughput("alloc 1KiB 8g", "ops", poolOperations, allocate)
	}
	if times || chosen["context"] {
		ran = true
		setupLatency("context cancel10k", cancel10k)
		setupLatency("context cancel10kWaiters", cancel10kWaiters)
		buildValueChain()
		latency("context valueChain10", "lookup", valueLookups, func() { lookUp(farKey) })
		latency("context valueChain10 missing", "lookup", valueLookups, func() { lookUp(missingKey) })
		latency("receive ready", "receive", ctxReadyOps, receiveReady)
		latency("receive ready ctx select", "receive", ctxReadyOps, receiveReadyCtx)
		latency("pingpong receive", "round-trip", ctxRoundTrips, func() { pingPongCtx(nil) })
		liveCtx, cancel := context.WithCancel(context.Background())
		latency("pingpong receive ctx select", "round-trip", ctxRoundTrips, func() { pingPongCtx(liveCtx) })
		cancel()
	}
	if times || chosen["timers"] {
		ran = true
		timerSlots = make([]*time.Timer, timersStarted)
		latency("timers1M newtimer+stop", "timer", timersStarted, timersNewTimerStop)
		latency("timers1M afterfunc+stop", "timer", timersStarted, timersAfterFuncStop)
		timerSlots = nil
		latency("after select ready", "select", afterSelects, afterSelectReady)
		latency("after select ready reset", "select", afterSelects, afterSelectReadyReset)
		latency("after select blocking", "round-trip", afterRoundTrips, afterSelectBlocking)
		latency("after select blocking reset", "round-trip", afterRoundTrips, afterSelectBlockingReset)
		if n := atomic.LoadInt64(&afterTimeouts); n > 0 {
			fmt.Printf("WARNING: %d timeouts of 1 s fired in the select loops (a stalled machine?); their numbers include them\n", n)
		}
	}
	if all || chosen["timermem"] {
		ran = true
		timerMemory(*timersN, *rounds, *timerKind)
	}
	if xsync || chosen["semaphore"] {
		ran = true
		latency("semaphore uncontended", "acquire-release", semUncontendedOps, weightedUncontended)
		latency("chan sem uncontended", "acquire-release", semUncontendedOps, chanSemUncontended)
		for _, yield := range []bool{true, false} {
			yield := yield
			hold := map[bool]string{true: "yield", false: "none"}[yield]
			throughput(fmt.Sprintf("semaphore %dg size=%d %s", semGoroutines, semPermits, hold), "ops", semAcquires,
				func() { weightedContended(semGoroutines, yield) })
			throughput(fmt.Sprintf("chan sem %dg size=%d %s", semGoroutines, semPermits, hold), "ops", semAcquires,
				func() { chanSemContended(semGoroutines, yield) })
		}
	}
	if xsync || chosen["singleflight"] {
		ran = true
		sfFlights, sfRounds = 0, 0
		latency(fmt.Sprintf("singleflight %d callers", sfCallers), "caller", sfCallers, singleFlightRound)
		fmt.Printf("singleflight: %.3f flights per round of %d callers\n", float64(sfFlights)/float64(sfRounds), sfCallers)
	}
	if xsync || chosen["ratelimit"] {
		ran = true
		for _, perSecond := range []float64{1e9, 1000} {
			lim := rate.NewLimiter(rate.Limit(perSecond), rateBurst)
			latency(fmt.Sprintf("rate allow %g/s", perSecond), "call", rateUncontendedOps,
				func() { rateUncontended(lim) })
			var allowed, calls int64
			throughput(fmt.Sprintf("rate allow %g/s %dg", perSecond, rateGoroutines), "calls", rateCalls,
				func() { rateContended(lim, &allowed, &calls) })
			fmt.Printf("rate allow %g/s %dg: allowed %.4f of %d calls\n", perSecond, rateGoroutines,
				float64(allowed)/float64(calls), calls)
		}
	}
	if xsync || chosen["errgroup"] {
		ran = true
		latency(fmt.Sprintf("errgroup limit=%d 100k", errgroupLimit), "task", errgroupTasks,
			func() { errGroupTasks(errgroupLimit) })
		latency(fmt.Sprintf("chan sem+wg limit=%d 100k", errgroupLimit), "task", errgroupTasks, chanSemTasks)
		latency("errgroup nolimit 100k", "task", errgroupTasks, func() { errGroupTasks(-1) })
	}
	if kit || chosen["pipeline"] {
		ran = true
		latency(fmt.Sprintf("pipeline map%d+filter 100k", pipelineWorkers), "item", pipelineItems, pipeline)
	}
	if kit || chosen["workerpool"] {
		ran = true
		latency(fmt.Sprintf("workerpool chan+wg %dw 1M", workerPoolSize), "job", workerPoolJobs, workerPool)
	}
	if !ran {
		fmt.Fprintln(os.Stderr, "unknown workload", *workload)
		os.Exit(2)
	}
}

// ---------------------------------------------------------------- workloads

// pingPong: A sends on ping, B receives and sends back on pong, A receives.
func pingPong() {
	ping, pong := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < pingPongRoundTrips; i++ {
			ping <- i
			<-pong
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < pingPongRoundTrips; i++ {
			pong <- <-ping
		}
	}()
	wg.Wait()
}

// buffered: pairs producers and pairs consumers on one capacity-128 channel.
func buffered(pairs int) {
	producersConsumers(pairs, bufferedCapacity, bufferedMessages)
}

// producersConsumers: n senders and n receivers on one channel of the given capacity, moving
// messages in all.
func producersConsumers(n, capacity, messages int) {
	ch := make(chan int, capacity)
	perWorker := messages / n
	var wg sync.WaitGroup
	wg.Add(2 * n)
	for w := 0; w < n; w++ {
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				ch <- i
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				<-ch
			}
		}()
	}
	wg.Wait()
}

// selectTwo: two producers, each on its own channel; one consumer selects over both.
func selectTwo(capacity int) {
	ch1, ch2 := make(chan int, capacity), make(chan int, capacity)
	produce := func(ch chan<- int, wg *sync.WaitGroup) {
		defer wg.Done()
		for i := 0; i < selectMessages/2; i++ {
			ch <- i
		}
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go produce(ch1, &wg)
	go produce(ch2, &wg)
	go func() {
		defer wg.Done()
		received := 0
		for i := 0; i < selectMessages; i++ {
			select {
			case <-ch1:
				received++
			case <-ch2:
				received++
			}
		}
		if received != selectMessages {
			panic("lost messages")
		}
	}()
	wg.Wait()
}

// blocked: n goroutines blocked receiving on one unbuffered channel, then released by close.
// Memory is taken from the first round only: the runtime keeps the dead goroutines' g structs
// and stack spans for reuse, so later rounds in the same process under-count or over-count.
// The release time is the median over all rounds.
func blocked(n, rounds int) {
	fmt.Printf("blocked goroutines: N=%d, %d rounds\n", n, rounds)
	var perG, stackPerG, heapPerG, release []float64
	for r := 1; r <= rounds; r++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)

		ch := make(chan int)
		var arrived int64
		var wg sync.WaitGroup
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func() {
				atomic.AddInt64(&arrived, 1)
				<-ch
				wg.Done()
			}()
		}
		for atomic.LoadInt64(&arrived) < int64(n) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // settle: the last arrivals go from the counter to parked
		runtime.GC()
		runtime.ReadMemStats(&after)

		start := time.Now()
		close(ch)
		wg.Wait()
		elapsed := time.Since(start)

		sys := float64(after.Sys-before.Sys) / float64(n)
		stack := float64(after.StackInuse-before.StackInuse) / float64(n)
		heap := float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(n)
		ms := float64(elapsed.Nanoseconds()) / 1e6
		fmt.Printf("round %d: Sys %.0f B, StackInuse %.0f B, HeapInuse %.0f B per goroutine; release %.1f ms\n",
			r, sys, stack, heap, ms)
		perG, stackPerG, heapPerG, release = append(perG, sys), append(stackPerG, stack),
			append(heapPerG, heap), append(release, ms)
	}
	fmt.Printf("RESULT %-28s %12.0f bytes/goroutine (Sys delta, round 1; StackInuse %.0f + HeapInuse %.0f)\n",
		"blocked memory", perG[0], stackPerG[0], heapPerG[0])
	fmt.Printf("RESULT %-28s %12.1f ms to release all\n", "blocked release", median(release))
}

// ---------------------------------------------------------------- sync workloads

var (
	uncontendedMu      sync.Mutex
	uncontendedCounter int
)

// mutexUncontended: one goroutine locks and unlocks a mutex no one else touches.
func mutexUncontended() {
	for i := 0; i < mutexUncontendedOps; i++ {
		uncontendedMu.Lock()
		uncontendedCounter++
		uncontendedMu.Unlock()
	}
}

// mutexContended: goroutines share one counter, each doing its share of lock; counter++; unlock.
func mutexContended(goroutines int) {
	var mu sync.Mutex
	counter := 0
	perWorker := mutexIncrements / goroutines
	var wg sync.WaitGroup
	wg.Add(goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if counter != perWorker*goroutines {
		panic("lost increments")
	}
}

// starvation: a hog holds the mutex for hold of busy work, unlocks and locks again at once; a
// napper sleeps nap, then times one Lock. A warm-up run of window/10 comes first.
func starvation(window, hold, nap time.Duration) {
	starve(window/10, hold, nap)
	waits, hogLocks := starve(window, hold, nap)
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	pct := func(p float64) float64 {
		if len(waits) == 0 {
			return math.NaN()
		}
		i := int(math.Ceil(p/100*float64(len(waits)))) - 1
		if i < 0 {
			i = 0
		}
		return float64(waits[i].Nanoseconds()) / 1e6
	}
	fmt.Printf("mutex starvation: %v, hold %v, nap %v: worst wait %.3f ms, p99 %.3f ms, napper %d locks, hog %d locks\n",
		window, hold, nap, pct(100), pct(99), len(waits), hogLocks)
	fmt.Printf("RESULT %-28s %12.3f ms\n", "mutex starvation worst wait", pct(100))
	fmt.Printf("RESULT %-28s %12.3f ms\n", "mutex starvation p99 wait", pct(99))
	fmt.Printf("RESULT %-28s %12d locks (hog %d)\n", "mutex starvation napper", len(waits), hogLocks)
}

func starve(window, hold, nap time.Duration) (waits []time.Duration, hogLocks int) {
	var mu sync.Mutex
	deadline := time.Now().Add(window)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the hog
		defer wg.Done()
		mu.Lock()
		for {
			hogLocks++
			start := time.Now()
			for time.Since(start) < hold { // busy under the lock
			}
			if !start.Before(deadline) {
				break
			}
			mu.Unlock()
			mu.Lock()
		}
		mu.Unlock()
	}()
	go func() { // the napper
		defer wg.Done()
		for time.Now().Before(deadline) {
			time.Sleep(nap)
			t0 := time.Now()
			mu.Lock()
			wait := time.Since(t0)
			mu.Unlock()
			waits = append(waits, wait)
		}
	}()
	wg.Wait()
	return waits, hogLocks
}

// rwStarvation: rwReaders readers and one writer on one RWMutex for window (after a warm-up of
// window/10). Readers yield every rwReadsPerWrite reads, as in RWMutexStarvation (where virtual
// threads are not preempted); the writer writes once per rwReadsPerWrite reads completed, owing
// at most one write per reader.
func rwStarvation(window time.Duration) {
	rwRun(window / 10)
	reads, writes, meanWait, maxWait := rwRun(window)
	fmt.Printf("rwmutex %dR+1W: %v, reads/s %.0f, writes/s %.0f, %.3f writes per 100 reads\n",
		rwReaders, window, reads, writes, 100*writes/reads)
	fmt.Printf("RESULT %-28s %12.0f reads/s\n", "rwmutex 8R+1W reads", reads)
	fmt.Printf("RESULT %-28s %12.0f writes/s (%.3f per 100 reads)\n", "rwmutex 8R+1W writes", writes,
		100*writes/reads)
	fmt.Printf("RESULT %-28s %12.1f us mean, %.1f us max\n", "rwmutex 8R+1W writer Lock",
		float64(meanWait)/1e3, float64(maxWait)/1e3)
}

type paddedCount struct {
	n atomic.Int64
	_ [120]byte
}

func rwRun(window time.Duration) (readsPerSec, writesPerSec float64, meanWait, maxWait time.Duration) {
	var mu sync.RWMutex
	var shared int64
	var reads [rwReaders]paddedCount
	totalReads := func() int64 {
		var t int64
		for r := range reads {
			t += reads[r].n.Load()
		}
		return t
	}
	start := time.Now()
	deadline := start.Add(window)
	var written int64
	var waited, longest time.Duration
	var wg sync.WaitGroup
	wg.Add(rwReaders + 1)
	for r := 0; r < rwReaders; r++ {
		r := r
		go func() {
			defer wg.Done()
			var sum, done int64
			for time.Now().Before(deadline) {
				for i := 0; i < rwReadsPerWrite; i++ {
					mu.RLock()
					sum += shared
					mu.RUnlock()
				}
				done += rwReadsPerWrite
				reads[r].n.Store(done)
				runtime.Gosched()
			}
			if sum < 0 {
				panic("the writer only increments")
			}
		}()
	}
	go func() {
		defer wg.Done()
		const bank = rwReaders * rwReadsPerWrite
		var credit, seen int64
		for time.Now().Before(deadline) {
			now := totalReads()
			credit += now - seen
			if credit > bank {
				credit = bank
			}
			seen = now
			if credit < rwReadsPerWrite {
				runtime.Gosched()
				continue
			}
			credit -= rwReadsPerWrite
			t := time.Now()
			mu.Lock()
			w := time.Since(t)
			shared++
			mu.Unlock()
			if time.Now().Before(deadline) {
				written++ // a write that waited past the deadline is not counted
				waited += w
				if w > longest {
					longest = w
				}
			}
		}
	}()
	wg.Wait()
	seconds := window.Seconds()
	if written > 0 {
		meanWait = waited / time.Duration(written)
	}
	return float64(totalReads()) / seconds, float64(written) / seconds, meanWait, longest
}

// waitGroup: add 10,000, start 10,000 goroutines that each call Done, wait for them.
func waitGroup() {
	var wg sync.WaitGroup
	wg.Add(waitGroupGoroutines)
	for i := 0; i < waitGroupGoroutines; i++ {
		go wg.Done()
	}
	wg.Wait()
}

var (
	syncMap      sync.Map
	syncMapKey   []any // boxed once, as in SyncMapBenchmark, so no operation measures boxing
	syncMapValue []any
	syncMapBatch uint64
)

func fillSyncMap() {
	if syncMapKey != nil {
		return
	}
	for i := 0; i < syncMapKeys; i++ {
		syncMapKey = append(syncMapKey, any(i+1_000_000))
		syncMapValue = append(syncMapValue, any(i+2_000_000))
		syncMap.Store(syncMapKey[i], syncMapValue[i])
	}
}

// syncMapMixed: 8 goroutines on one pre-filled sync.Map, every 100th operation a Store, the others
// Loads, keys picked by each goroutine's xorshift64.
func syncMapMixed() {
	syncMapBatch++
	perWorker := syncMapOperations / syncMapGoroutines
	var wg sync.WaitGroup
	wg.Add(syncMapGoroutines)
	for w := 0; w < syncMapGoroutines; w++ {
		x := splitMix(syncMapBatch*syncMapGoroutines + uint64(w))
		go func() {
			defer wg.Done()
			hits := 0
			for i := 0; i < perWorker; i++ {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
				key := syncMapKey[((x>>32)*syncMapKeys)>>32]
				if i%100 == 0 {
					syncMap.Store(key, syncMapValue[i%syncMapKeys])
				} else if _, ok := syncMap.Load(key); ok {
					hits++
				}
			}
			if loads := perWorker - (perWorker+99)/100; hits != loads {
				panic(fmt.Sprintf("%d of %d loads hit", hits, loads))
			}
		}()
	}
	wg.Wait()
}

func splitMix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	if z == 0 {
		return 1
	}
	return z
}

var bufferPool = sync.Pool{New: func() any { return new([poolSize]byte) }}

// poolGetPut: 8 goroutines, each taking a 1 KiB buffer from one sync.Pool, touching it, putting it back.
func poolGetPut() {
	perWorker := poolOperations / poolGoroutines
	var wg sync.WaitGroup
	wg.Add(poolGoroutines)
	for w := 0; w < poolGoroutines; w++ {
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				buf := bufferPool.Get().(*[poolSize]byte)
				buf[0]++
				bufferPool.Put(buf)
			}
		}()
	}
	wg.Wait()
}

// sinks keep allocate's buffers on the heap (escape analysis would otherwise put them on the stack).
var sinks [poolGoroutines]struct {
	buf *[poolSize]byte
	_   [56]byte
}

// allocate: the same loop with a new 1 KiB buffer every time, left to the GC.
func allocate() {
	perWorker := poolOperations / poolGoroutines
	var wg sync.WaitGroup
	wg.Add(poolGoroutines)
	for w := 0; w < poolGoroutines; w++ {
		w := w
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				buf := new([poolSize]byte)
				buf[0]++
				sinks[w].buf = buf
			}
		}()
	}
	wg.Wait()
}

// ---------------------------------------------------------------- context and time workloads

// cancel10k: a parent with 10,000 WithCancel children whose Done channels exist (as when a
// goroutine waits on them). Timed: cancel the parent, then receive from every child's Done.
func cancel10k() func() {
	parent, cancel := context.WithCancel(context.Background())
	children := make([]context.Context, contextChildren)
	cancels := make([]context.CancelFunc, contextChildren) // kept, as ContextBenchmark keeps its CancelContexts
	for i := range children {
		children[i], cancels[i] = context.WithCancel(parent)
		children[i].Done()
	}
	return func() {
		cancel()
		for _, c := range children {
			<-c.Done()
		}
	}
}

// cancel10kWaiters: the same tree, and 10,000 goroutines each blocked receiving on its child's
// Done, then counting itself done. Timed: cancel the parent and wait until all have woken.
func cancel10kWaiters() func() {
	parent, cancel := context.WithCancel(context.Background())
	cancels := make([]context.CancelFunc, contextChildren)
	var arrived int64
	var wg sync.WaitGroup
	wg.Add(contextChildren)
	for i := range cancels {
		var child context.Context
		child, cancels[i] = context.WithCancel(parent)
		go func() {
			atomic.AddInt64(&arrived, 1)
			<-child.Done()
			wg.Done()
		}()
	}
	for atomic.LoadInt64(&arrived) < contextChildren {
		time.Sleep(100 * time.Microsecond)
	}
	time.Sleep(time.Millisecond) // settle: the last arrivals go from the counter to parked
	return func() {
		cancel()
		wg.Wait()
	}
}

// ctxKey is a context key type of this package, as Go's documentation recommends.
type ctxKey int

var (
	valueChain context.Context
	farKey     any = ctxKey(0)  // the first added: the lookup passes the other nine
	missingKey any = ctxKey(-1) // not in the chain: the lookup walks on to Background
	valueSink  any
)

// buildValueChain: 10 WithValue contexts over Background.
func buildValueChain() {
	valueChain = context.Background()
	for i := 0; i < contextChain; i++ {
		valueChain = context.WithValue(valueChain, ctxKey(i), i+1_000_000)
	}
	if valueChain.Value(farKey) != 1_000_000 || valueChain.Value(missingKey) != nil {
		panic("the value chain is wrong")
	}
}

func lookUp(key any) {
	for i := 0; i < valueLookups; i++ {
		valueSink = valueChain.Value(key)
	}
}

// receiveReady: send on a channel of capacity 1, receive it back; receiveReadyCtx receives in a
// select with a live context's Done, Go's form of ContextBenchmark's ch.receive(ctx).
func receiveReady() {
	ch := make(chan int, 1)
	for i := 0; i < ctxReadyOps; i++ {
		ch <- i
		<-ch
	}
}

func receiveReadyCtx() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan int, 1)
	for i := 0; i < ctxReadyOps; i++ {
		ch <- i
		select {
		case <-ch:
		case <-ctx.Done():
			panic("the context is live")
		}
	}
}

// pingPongCtx: pingPong, with every receive in a select with ctx.Done when ctx is not nil.
func pingPongCtx(ctx context.Context) {
	ping, pong := make(chan int), make(chan int)
	var done <-chan struct{} // nil: a case that is never ready
	if ctx != nil {
		done = ctx.Done()
	}
	receive := func(ch chan int) int {
		if done == nil {
			return <-ch
		}
		select {
		case v := <-ch:
			return v
		case <-done:
			panic("the context is live")
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < ctxRoundTrips; i++ {
			ping <- i
			receive(pong)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < ctxRoundTrips; i++ {
			pong <- receive(ping)
		}
	}()
	wg.Wait()
}

var timerSlots []*time.Timer

// timersNewTimerStop: start a million one-hour timers, then stop each one. Go 1.19 queues every
// timer in its P's heap; Stop marks it deleted, and the heap drops deleted timers lazily.
func timersNewTimerStop() {
	for i := range timerSlots {
		timerSlots[i] = time.NewTimer(time.Hour)
	}
	stopAll()
}

func timersAfterFuncStop() {
	for i := range timerSlots {
		timerSlots[i] = time.AfterFunc(time.Hour, nothing)
	}
	stopAll()
}

func nothing() {}

func stopAll() {
	stopped := 0
	for _, t := range timerSlots {
		if t.Stop() {
			stopped++
		}
	}
	if stopped != len(timerSlots) {
		panic(fmt.Sprintf("%d of %d timers stopped", stopped, len(timerSlots)))
	}
}

// afterTimeouts counts 1 s timeouts that fired in the select loops: none should, but a machine
// stalled for a second must not kill the run, so they are counted (and reported) instead of
// panicking; a loop that timed out retries until it has its messages.
var afterTimeouts int64

// afterSelectReady: send on a channel of capacity 1, then select over it and time.After(1s); the
// receive always wins. In Go 1.19 every time.After timer is queued and stays queued, unreferenced,
// until it fires a second later.
func afterSelectReady() {
	ch := make(chan int, 1)
	for i := 0; i < afterSelects; i++ {
		ch <- i
		select {
		case <-ch:
		case <-time.After(time.Second):
			atomic.AddInt64(&afterTimeouts, 1)
			<-ch
		}
	}
}

// afterSelectReadyReset: afterSelectReady with one timer, stopped and reset before each select
// (Go 1.19's rule: reset only a stopped or expired and drained timer), instead of a new one each
// time.
func afterSelectReadyReset() {
	ch := make(chan int, 1)
	t := time.NewTimer(time.Second)
	defer t.Stop()
	received := false // the select took t's value
	for i := 0; i < afterSelects; i++ {
		ch <- i
		if !t.Stop() && !received {
			atomic.AddInt64(&afterTimeouts, 1)
			<-t.C
		}
		t.Reset(time.Second)
		received = false
		select {
		case <-ch:
		case <-t.C:
			received = true
			atomic.AddInt64(&afterTimeouts, 1)
			<-ch
		}
	}
}

// afterSelectBlockingReset: afterSelectBlocking with one timer, stopped and reset each time.
func afterSelectBlockingReset() {
	ping, pong := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < afterRoundTrips; i++ {
			ping <- i
			<-pong
		}
	}()
	go func() {
		defer wg.Done()
		t := time.NewTimer(time.Second)
		defer t.Stop()
		received := false // the select took t's value
		for i := 0; i < afterRoundTrips; {
			if !t.Stop() && !received {
				atomic.AddInt64(&afterTimeouts, 1)
				<-t.C
			}
			t.Reset(time.Second)
			received = false
			select {
			case v := <-ping:
				pong <- v
				i++
			case <-t.C:
				received = true
				atomic.AddInt64(&afterTimeouts, 1)
			}
		}
	}()
	wg.Wait()
}

// afterSelectBlocking: unbuffered ping-pong whose echoing side receives in a select with
// time.After(1s); the sender waits for the echo, so the select has nearly always parked first.
func afterSelectBlocking() {
	ping, pong := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < afterRoundTrips; i++ {
			ping <- i
			<-pong
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < afterRoundTrips; {
			select {
			case v := <-ping:
				pong <- v
				i++
			case <-time.After(time.Second):
				atomic.AddInt64(&afterTimeouts, 1)
			}
		}
	}()
	wg.Wait()
}

// timerMemory: the live heap (HeapAlloc after a GC) of n one-hour timers, all started and not
// stopped, then the time to stop them: NewTimer and AfterFunc, both queued in Go 1.19. The slice
// that keeps them is allocated first, so not counted; the P's timer heap grows to n in round 1
// and keeps its capacity, so round 1 counts it (as TimerMemory's round 1 counts the Java
// queues' arrays) and later rounds do not. Stopped timers stay in the P's heap, marked deleted,
// until the scheduler clears them, which can land in a later measurement: so the RESULT is round
// 1, and each kind is best measured in its own process (-timerkind).
func timerMemory(n, rounds int, kind string) {
	fmt.Printf("timer memory: N=%d, %d rounds\n", n, rounds)
	slots := make([]*time.Timer, n)
	kinds := []struct {
		name  string
		start func() *time.Timer
	}{
		{"newtimer", func() *time.Timer { return time.NewTimer(time.Hour) }},
		{"afterfunc", func() *time.Timer { return time.AfterFunc(time.Hour, nothing) }},
	}
	for _, k := range kinds {
		if kind != "all" && kind != k.name {
			continue
		}
		var bytes, startNs, stopNs []float64
		for r := 1; r <= rounds; r++ {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			t0 := time.Now()
			for i := range slots {
				slots[i] = k.start()
			}
			started := time.Since(t0)
			runtime.GC()
			runtime.ReadMemStats(&after)
			t1 := time.Now()
			stopped := 0
			for _, t := range slots {
				if t.Stop() {
					stopped++
				}
			}
			stoppedIn := time.Since(t1)
			if stopped != n {
				panic(fmt.Sprintf("%d of %d timers stopped", stopped, n))
			}
			for i := range slots {
				slots[i] = nil
			}
			time.Sleep(50 * time.Millisecond) // let the scheduler clear the deleted timers
			b := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
			fmt.Printf("%s round %d: HeapAlloc %.1f B per timer (Sys %+.1f B); start %.0f ns, stop %.0f ns per timer\n",
				k.name, r, b, float64(int64(after.Sys)-int64(before.Sys))/float64(n),
				float64(started.Nanoseconds())/float64(n), float64(stoppedIn.Nanoseconds())/float64(n))
			bytes, startNs, stopNs = append(bytes, b), append(startNs, float64(started.Nanoseconds())/float64(n)),
				append(stopNs, float64(stoppedIn.Nanoseconds())/float64(n))
		}
		fmt.Printf("RESULT %-28s %12.1f bytes/timer (HeapAlloc delta, round 1; median %.1f)\n",
			"timermem "+k.name, bytes[0], median(bytes))
		fmt.Printf("RESULT %-28s %12.1f ns/timer start, %.1f ns/timer stop (median)\n",
			"timermem "+k.name+" time", median(startNs), median(stopNs))
	}
}

// ---------------------------------------------------------------- x/sync and x/time workloads
//
// The same workloads as WeightedSemaphoreBenchmark, SingleFlightBenchmark, RateLimiterBenchmark
// and ErrGroupBenchmark, on golang.org/x/sync (semaphore, singleflight, errgroup) and
// golang.org/x/time/rate, beside the standard library's idiom where there is one (a buffered
// channel as a semaphore; a buffered channel and a WaitGroup as a bounded group). The Java
// side's LongAdder is an atomic.Int64 here.

var (
	xsyncCtx   = context.Background()
	uncontSem  = semaphore.NewWeighted(semPermits)
	uncontChan = make(chan struct{}, semPermits)
)

// weightedUncontended: one goroutine acquires and releases one unit of a semaphore of 4.
func weightedUncontended() {
	for i := 0; i < semUncontendedOps; i++ {
		if err := uncontSem.Acquire(xsyncCtx, 1); err != nil {
			panic(err)
		}
		uncontSem.Release(1)
	}
}

// chanSemUncontended: the same with a buffered channel of 4 as the semaphore.
func chanSemUncontended() {
	for i := 0; i < semUncontendedOps; i++ {
		uncontChan <- struct{}{}
		<-uncontChan
	}
}

// semContended: goroutines share a new semaphore of 4 units, each doing its share of the
// acquire/release pairs; they start together. With yield, a holder calls runtime.Gosched before
// releasing, so the others run and queue (without it, on fewer cores than units, no acquire
// waits); as WeightedSemaphoreBenchmark's hold=yield and hold=none.
func semContended(goroutines int, yield bool, acquire func(), release func()) {
	perWorker := semAcquires / goroutines
	var started, wg sync.WaitGroup
	started.Add(goroutines)
	wg.Add(goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			defer wg.Done()
			started.Done()
			started.Wait()
			for i := 0; i < perWorker; i++ {
				acquire()
				if yield {
					runtime.Gosched()
				}
				release()
			}
		}()
	}
	wg.Wait()
}

func weightedContended(goroutines int, yield bool) {
	sem := semaphore.NewWeighted(semPermits)
	semContended(goroutines, yield, func() {
		if err := sem.Acquire(xsyncCtx, 1); err != nil {
			panic(err)
		}
	}, func() { sem.Release(1) })
}

func chanSemContended(goroutines int, yield bool) {
	sem := make(chan struct{}, semPermits)
	semContended(goroutines, yield, func() { sem <- struct{}{} }, func() { <-sem })
}

var (
	sfGroup   singleflight.Group
	sfValue   any = 1_000_001
	sfFlights int64
	sfRounds  int64
)

// singleFlightRound: 100 goroutines count themselves into arrived and call Do for one key; the
// function (run by the first) waits until all have arrived, so the others find its flight and
// wait for it. A late caller that misses the flight runs one of its own (counted in sfFlights).
func singleFlightRound() {
	var arrived, done sync.WaitGroup
	arrived.Add(sfCallers)
	done.Add(sfCallers)
	fn := func() (any, error) {
		atomic.AddInt64(&sfFlights, 1)
		arrived.Wait()
		return sfValue, nil
	}
	for i := 0; i < sfCallers; i++ {
		go func() {
			defer done.Done()
			arrived.Done()
			if v, _, _ := sfGroup.Do("key", fn); v != sfValue {
				panic("wrong value")
			}
		}()
	}
	done.Wait()
	sfRounds++
}

// rateUncontended: one goroutine calls Allow.
func rateUncontended(lim *rate.Limiter) {
	for i := 0; i < rateUncontendedOps; i++ {
		lim.Allow()
	}
}

// rateContended: 8 goroutines share the limiter and make rateCalls calls between them; allowed
// and calls count the outcome.
func rateContended(lim *rate.Limiter, allowed, calls *int64) {
	perWorker := rateCalls / rateGoroutines
	var started, wg sync.WaitGroup
	started.Add(rateGoroutines)
	wg.Add(rateGoroutines)
	for g := 0; g < rateGoroutines; g++ {
		go func() {
			defer wg.Done()
			started.Done()
			started.Wait()
			n := 0
			for i := 0; i < perWorker; i++ {
				if lim.Allow() {
					n++
				}
			}
			atomic.AddInt64(allowed, int64(n))
			atomic.AddInt64(calls, int64(perWorker))
		}()
	}
	wg.Wait()
}

// errGroupTasks: 100,000 tiny tasks through an errgroup, limit 8 (or none if limit < 0).
func errGroupTasks(limit int) {
	var counter atomic.Int64
	var g errgroup.Group
	g.SetLimit(limit)
	for i := 0; i < errgroupTasks; i++ {
		g.Go(func() error {
			counter.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		panic(err)
	}
	if counter.Load() != errgroupTasks {
		panic("lost tasks")
	}
}

// chanSemTasks: the standard-library idiom: a buffered channel of 8 as the limit, a WaitGroup.
func chanSemTasks() {
	var counter atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, errgroupLimit)
	for i := 0; i < errgroupTasks; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() {
				<-sem
				wg.Done()
			}()
			counter.Add(1)
		}()
	}
	wg.Wait()
	if counter.Load() != errgroupTasks {
		panic("lost tasks")
	}
}

// ---------------------------------------------------------------- kit workloads

// The same graphs as PipelineBenchmark and WorkerPoolBenchmark's Go-style variant.

// pipelineValues is Workers.VALUES: the payloads, made once.
var pipelineValues = func() (v [1024]int) {
	for i := range v {
		v[i] = i + 1_000_000
	}
	return v
}()

func transform(x int) int { return int(int32(x*31 + 7)) } // Java's int arithmetic
func keep(x int) bool     { return x&1 == 0 }

var pipelineExpected = func() int64 {
	var sum int64
	for i := 0; i < pipelineItems; i++ {
		if y := transform(pipelineValues[i&1023]); keep(y) {
			sum += int64(y)
		}
	}
	return sum
}()

// pipeline: the Go blog's pipeline with cancellation: a source goroutine, 4 workers mapping
// (fan-out) into one channel closed after a WaitGroup (fan-in), a filter goroutine, and the sink
// in the calling goroutine; every send selects on ctx.Done(); channels of 16.
func pipeline() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var all sync.WaitGroup
	src := make(chan int, pipelineCapacity)
	mapped := make(chan int, pipelineCapacity)
	kept := make(chan int, pipelineCapacity)
	all.Add(1)
	go func() {
		defer all.Done()
		defer close(src)
		for i := 0; i < pipelineItems; i++ {
			select {
			case src <- pipelineValues[i&1023]:
			case <-ctx.Done():
				return
			}
		}
	}()
	var workers sync.WaitGroup
	workers.Add(pipelineWorkers)
	all.Add(pipelineWorkers)
	for w := 0; w < pipelineWorkers; w++ {
		go func() {
			defer all.Done()
			defer workers.Done()
			for x := range src {
				select {
				case mapped <- transform(x):
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		workers.Wait()
		close(mapped)
	}()
	all.Add(1)
	go func() {
		defer all.Done()
		defer close(kept)
		for x := range mapped {
			if keep(x) {
				select {
				case kept <- x:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	var sum int64
	for x := range kept {
		sum += int64(x)
	}
	cancel()
	all.Wait()
	if sum != pipelineExpected {
		panic(fmt.Sprintf("pipeline sum %d != %d", sum, pipelineExpected))
	}
}

// workerPool: Go's worker pool: a jobs channel of 1024, 8 goroutines ranging over it, a WaitGroup;
// each job increments one counter.
func workerPool() {
	var counter atomic.Int64
	jobs := make(chan func(), workerPoolQueue)
	var wg sync.WaitGroup
	wg.Add(workerPoolSize)
	for w := 0; w < workerPoolSize; w++ {
		go func() {
			defer wg.Done()
			for job := range jobs {
				job()
			}
		}()
	}
	job := func() { counter.Add(1) }
	for i := 0; i < workerPoolJobs; i++ {
		jobs <- job
	}
	close(jobs)
	wg.Wait()
	if counter.Load() != workerPoolJobs {
		panic("lost jobs")
	}
}

// ---------------------------------------------------------------- measurement

// iteration repeats batch until d has passed and returns nanoseconds per operation.
func iteration(d time.Duration, opsPerBatch int, batch func()) float64 {
	start := time.Now()
	for n := 1; ; n++ {
		batch()
		if elapsed := time.Since(start); elapsed >= d {
			return float64(elapsed.Nanoseconds()) / float64(n*opsPerBatch)
		}
	}
}

// measure returns ns/op for each measured iteration, after the warm-up iterations.
func measure(opsPerBatch int, batch func()) []float64 {
	for i := 0; i < *warmups; i++ {
		iteration(*warmupTime, opsPerBatch, batch)
	}
	var ns []float64
	for i := 0; i < *iterations; i++ {
		ns = append(ns, iteration(*iterTime, opsPerBatch, batch))
	}
	return ns
}

// setupLatency reports µs per operation for operations that need an untimed setup, as JMH's
// @Setup(Level.Invocation): prepare builds the state and returns the timed operation. Each
// iteration repeats prepare and the operation until the iteration time has passed (wall time,
// setup included) and returns the mean of the timed parts.
func setupLatency(name string, prepare func() func()) {
	iteration := func(d time.Duration) float64 {
		start := time.Now()
		var timed time.Duration
		for n := 1; ; n++ {
			op := prepare()
			t0 := time.Now()
			op()
			timed += time.Since(t0)
			if time.Since(start) >= d {
				return float64(timed.Nanoseconds()) / 1e3 / float64(n)
			}
		}
	}
	for i := 0; i < *warmups; i++ {
		iteration(*warmupTime)
	}
	var us []float64
	for i := 0; i < *iterations; i++ {
		us = append(us, iteration(*iterTime))
	}
	sorted := append([]float64(nil), us...)
	sort.Float64s(sorted)
	fmt.Printf("%-28s us/op: median %.1f, best %.1f, mean %.1f (%d iterations)\n",
		name, median(us), sorted[0], mean(us), len(us))
	fmt.Printf("RESULT %-28s %12.1f us/op\n", name, median(us))
}

// latency reports ns per operation; per names the operation in the detail line.
func latency(name, per string, opsPerBatch int, batch func()) {
	ns := measure(opsPerBatch, batch)
	sorted := append([]float64(nil), ns...)
	sort.Float64s(sorted)
	fmt.Printf("%-28s ns/%s: median %.1f, best %.1f, mean %.1f (%d iterations)\n",
		name, per, median(ns), sorted[0], mean(ns), len(ns))
	fmt.Printf("RESULT %-28s %12.1f ns/op\n", name, median(ns))
}

// throughput reports operations per second; what names them in the detail line.
func throughput(name, what string, opsPerBatch int, batch func()) {
	ns := measure(opsPerBatch, batch)
	perSec := make([]float64, len(ns))
	for i, v := range ns {
		perSec[i] = 1e9 / v
	}
	sorted := append([]float64(nil), perSec...)
	sort.Float64s(sorted)
	fmt.Printf("%-28s %s/s: median %.0f, best %.0f, mean %.0f (%d iterations)\n",
		name, what, median(perSec), sorted[len(sorted)-1], mean(perSec), len(perSec))
	fmt.Printf("RESULT %-28s %12.0f ops/s\n", name, median(perSec))
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
