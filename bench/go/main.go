// Command runnelbench runs Go's side of Runnel's benchmarks: the same workloads, with the same
// message counts, as bench/src/main/java/dev/runnel/bench.
//
//	go build -o bin/runnelbench . && bin/runnelbench [-workload all|pingpong,buffered,select,blocked]
//
// Like JMH, each measurement is warm-up iterations then measured iterations, each iteration
// repeating a batch (start the goroutines, move the batch's messages, wait for them) until the
// iteration time has passed. Every line reports the median, best and mean over the measured
// iterations; the summary lines that start with RESULT use the median.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	pingPongRoundTrips = 10_000  // PingPongBenchmark.ROUND_TRIPS
	bufferedMessages   = 100_000 // BufferedChannelBenchmark.MESSAGES
	bufferedCapacity   = 128     // BufferedChannelBenchmark.CAPACITY
	selectMessages     = 100_000 // SelectBenchmark.MESSAGES
)

var (
	workload   = flag.String("workload", "all", "all, or a comma-separated list of pingpong, buffered, select, blocked")
	warmups    = flag.Int("wi", 3, "warm-up iterations")
	iterations = flag.Int("i", 5, "measured iterations")
	warmupTime = flag.Duration("w", 2*time.Second, "warm-up iteration time")
	iterTime   = flag.Duration("r", 2*time.Second, "measured iteration time")
	blockedN   = flag.Int("n", 1_000_000, "blocked goroutines")
	rounds     = flag.Int("rounds", 3, "rounds of the blocked-goroutines measurement")
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
	ran := false
	if all || chosen["pingpong"] {
		ran = true
		latency("pingpong unbuffered", pingPongRoundTrips, pingPong)
	}
	if all || chosen["buffered"] {
		ran = true
		for _, pairs := range []int{1, 4} {
			pairs := pairs
			throughput(fmt.Sprintf("buffered cap=%d pairs=%d", bufferedCapacity, pairs), bufferedMessages,
				func() { buffered(pairs) })
		}
	}
	if all || chosen["select"] {
		ran = true
		for _, capacity := range []int{0, 128} {
			capacity := capacity
			throughput(fmt.Sprintf("select cap=%d", capacity), selectMessages, func() { selectTwo(capacity) })
		}
	}
	if all || chosen["blocked"] {
		ran = true
		blocked(*blockedN, *rounds)
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
	ch := make(chan int, bufferedCapacity)
	perWorker := bufferedMessages / pairs
	var wg sync.WaitGroup
	wg.Add(2 * pairs)
	for p := 0; p < pairs; p++ {
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

func latency(name string, opsPerBatch int, batch func()) {
	ns := measure(opsPerBatch, batch)
	sorted := append([]float64(nil), ns...)
	sort.Float64s(sorted)
	fmt.Printf("%-28s ns/round-trip: median %.1f, best %.1f, mean %.1f (%d iterations)\n",
		name, median(ns), sorted[0], mean(ns), len(ns))
	fmt.Printf("RESULT %-28s %12.1f ns/op\n", name, median(ns))
}

func throughput(name string, opsPerBatch int, batch func()) {
	ns := measure(opsPerBatch, batch)
	perSec := make([]float64, len(ns))
	for i, v := range ns {
		perSec[i] = 1e9 / v
	}
	sorted := append([]float64(nil), perSec...)
	sort.Float64s(sorted)
	fmt.Printf("%-28s msgs/s: median %.0f, best %.0f, mean %.0f (%d iterations)\n",
		name, median(perSec), sorted[len(sorted)-1], mean(perSec), len(perSec))
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
