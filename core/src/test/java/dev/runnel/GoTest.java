package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import dev.runnel.time.ManualClock;
import dev.runnel.time.Time;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go's go statement: virtual threads named goroutine-N, numGoroutine, ids, panics. */
@Timeout(10)
class GoTest {

  private PrintStream originalErr;

  @BeforeEach
  void quiesce() {
    originalErr = System.err;
    // goroutines of earlier tests may still be returning; the counts below are exact
    TestSupport.eventually("earlier goroutines have ended", () -> Go.numGoroutine() == 0);
  }

  @AfterEach
  void restore() {
    Go.setPanicHandler(null);
    System.setErr(originalErr);
  }

  @Test
  void goRunsTheFunctionOnAVirtualThreadNamedAfterTheGoroutineId() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    AtomicLong id = new AtomicLong();
    Go.go(
        () -> {
          id.set(Go.goroutineId());
          thread.complete(Thread.currentThread());
        });
    Thread t = thread.get(5, TimeUnit.SECONDS);
    assertThat(t.isVirtual()).isTrue();
    assertThat(id.get()).isPositive();
    assertThat(t.getName()).isEqualTo("goroutine-" + id.get());
  }

  @Test
  void goroutineIdsAreDistinctAndIncreasing() throws Exception {
    Channel<Long> ids = Channel.make();
    for (int i = 0; i < 20; i++) {
      Go.go(() -> ids.send(Go.goroutineId()));
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      seen.add(ids.receive());
    }
    assertThat(seen).hasSize(20).allMatch(id -> id > 0);
    // a goroutine started after these has a larger id than all of them
    Channel<Long> later = Channel.make();
    Go.go(() -> later.send(Go.goroutineId()));
    assertThat(later.receive()).isGreaterThan(seen.stream().max(Long::compare).orElseThrow());
  }

  @Test
  void goroutineIdOutsideAGoroutineIsMinusOne() throws Exception {
    assertThat(Go.goroutineId()).isEqualTo(-1);
    AtomicLong inPlainVirtual = new AtomicLong();
    Thread t = Thread.ofVirtual().start(() -> inPlainVirtual.set(Go.goroutineId()));
    t.join();
    assertThat(inPlainVirtual.get()).isEqualTo(-1);
  }

  @Test
  void numGoroutineCountsRunningGoroutinesAndDropsBackAfterTheyEnd() throws Exception {
    int before = Go.numGoroutine();
    CountDownLatch started = new CountDownLatch(5);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 5; i++) {
      Go.go(
          () -> {
            started.countDown();
            release.await();
          });
    }
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Go.numGoroutine()).isEqualTo(before + 5);
    release.countDown();
    // the count drops after each body returned: poll with a deadline
    TestSupport.eventually("the goroutines ended", () -> Go.numGoroutine() == before);
  }

  @Test
  void numGoroutineDoesNotCountPlainThreads() throws Exception {
    int before = Go.numGoroutine();
    CountDownLatch release = new CountDownLatch(1);
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        release.await();
      } catch (InterruptedException ignored) {
        // ends the thread
      }
    });
    assertThat(Go.numGoroutine()).isEqualTo(before);
    release.countDown();
    t.join();
  }

  @Test
  void goroutineSeesWritesMadeBeforeGo() throws Exception {
    int[] plain = {0};
    plain[0] = 42;
    CompletableFuture<Integer> seen = new CompletableFuture<>();
    Go.go(() -> seen.complete(plain[0]));
    assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(42);
  }

  @Test
  void goNullThrowsNullPointerException() {
    assertThatThrownBy(() -> Go.go(null)).isInstanceOf(NullPointerException.class);
    assertThat(Go.numGoroutine()).isZero();
  }

  @Test
  void escapingExceptionGoesToThePanicHandler() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    CompletableFuture<Throwable> panic = new CompletableFuture<>();
    Go.setPanicHandler(
        (t, e) -> {
          thread.complete(t);
          panic.complete(e);
        });
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicLong id = new AtomicLong();
    Go.go(
        () -> {
          id.set(Go.goroutineId());
          throw boom;
        });
    assertThat(panic.get(5, TimeUnit.SECONDS)).isSameAs(boom);
    assertThat(thread.get().getName()).isEqualTo("goroutine-" + id.get());
    TestSupport.eventually("the panicking goroutine is not counted", () -> Go.numGoroutine() == 0);
  }

  @Test
  void checkedExceptionsArePanicsToo() throws Exception {
    CompletableFuture<Throwable> panic = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> panic.complete(e));
    Go.go(
        () -> {
          throw new java.io.IOException("disk");
        });
    assertThat(panic.get(5, TimeUnit.SECONDS))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("disk");
  }

  @Test
  void errorsEscapingAGoroutineArePanicsAsIs() throws Exception {
    CompletableFuture<Throwable> panic = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> panic.complete(e));
    AssertionError error = new AssertionError("an Error, not an Exception");
    Go.go(
        () -> {
          throw error;
        });
    assertThat(panic.get(5, TimeUnit.SECONDS)).isSameAs(error);
  }

  @Test
  void interruptedExceptionEscapingAGoroutineIsAPanicToo() throws Exception {
    CompletableFuture<Throwable> panic = new CompletableFuture<>();
    Go.setPanicHandler((t, e) -> panic.complete(e));
    Go.go(
        () -> {
          Thread.currentThread().interrupt();
          Channel.make().receive(); // throws at once
        });
    assertThat(panic.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aGoroutineEndedByItsContextsErrIsANormalEndNotAPanic() throws Exception {
    List<Throwable> panics = new CopyOnWriteArrayList<>();
    Go.setPanicHandler((t, e) -> panics.add(e));
    CancelContext cancelled = Context.withCancel(Context.background());
    ManualClock clock = new ManualClock();
    Context expiring =
        Context.withTimeout(Context.withClock(Context.background(), clock), Duration.ofSeconds(1));
    CountDownLatch blocked = new CountDownLatch(2);
    Go.go(
        () -> {
          blocked.countDown();
          Channel.make().receive(cancelled); // throws ContextCanceledException
        });
    Go.go(
        () -> {
          blocked.countDown();
          Time.sleep(expiring, Duration.ofMinutes(1)); // throws DeadlineExceededException
        });
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    cancelled.cancel();
    clock.advance(Duration.ofSeconds(1));
    TestSupport.eventually("both goroutines ended", () -> Go.numGoroutine() == 0);
    assertThat(panics).isEmpty();

    Go.go(
        () -> {
          throw new CancellationException("not a context's");
        });
    TestSupport.eventually("the other cancellation is a panic", () -> panics.size() == 1);
    assertThat(panics.get(0)).hasMessage("not a context's");
  }

  @Test
  void concurrentPanicsArePrintedWhole() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int n = 16;
    long[] ids = new long[n];
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < n; i++) {
      int k = i;
      Go.go(
          () -> {
            ids[k] = Go.goroutineId();
            ready.countDown();
            go.await();
            throw new IllegalStateException("boom-" + k + "-end");
          });
    }
    assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    TestSupport.eventually(
        "every panic is printed",
        () -> captured.toString(StandardCharsets.UTF_8).split("\\[running\\]:", -1).length > n);
    String out = captured.toString(StandardCharsets.UTF_8);
    String nl = System.lineSeparator();
    for (int i = 0; i < n; i++) {
      assertThat(out)
          .contains(
              "panic: java.lang.IllegalStateException: boom-" + i + "-end" + nl + nl
                  + "goroutine " + ids[i] + " [running]:" + nl);
    }
  }

  @Test
  void defaultHandlerPrintsThePanicInGoShape() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    AtomicLong id = new AtomicLong();
    Go.go(
        () -> {
          id.set(Go.goroutineId());
          throw new IllegalStateException("boom");
        });
    TestSupport.eventually(
        "the panic is printed",
        () -> captured.toString(StandardCharsets.UTF_8).contains("[running]:"));
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("panic: ")
        .contains("boom")
        .contains("goroutine " + id.get() + " [running]:")
        .contains("IllegalStateException");
    assertThat(out.indexOf("panic: ")).isLessThan(out.indexOf("goroutine " + id.get()));
  }

  @Test
  void panicIsStillPrintedWhenTheHandlerThrows() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    AtomicReference<Throwable> handled = new AtomicReference<>();
    Go.setPanicHandler(
        (t, e) -> {
          handled.set(e);
          throw new IllegalArgumentException("handler failed");
        });
    Go.go(
        () -> {
          throw new IllegalStateException("boom");
        });
    TestSupport.eventually(
        "the panic is printed",
        () -> captured.toString(StandardCharsets.UTF_8).contains("[running]:"));
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(handled.get()).hasMessage("boom");
    assertThat(out).contains("panic: ").contains("boom").contains("handler failed");
  }

  @Test
  void settingTheHandlerToNullRestoresTheDefault() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Go.setPanicHandler((t, e) -> {});
    Go.setPanicHandler(null);
    Go.go(
        () -> {
          throw new IllegalStateException("restored");
        });
    TestSupport.eventually(
        "the panic is printed",
        () -> captured.toString(StandardCharsets.UTF_8).contains("restored"));
  }
}
