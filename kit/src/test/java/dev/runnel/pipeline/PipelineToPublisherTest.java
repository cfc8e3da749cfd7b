package dev.runnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.context.CancelContext;
import dev.runnel.context.ContextCanceledException;
import dev.runnel.context.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pipeline as a Flow.Publisher: demand honoured, serial signals, the run ends with it. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineToPublisherTest {

  private static final Context BG = Context.background();

  /** Every signal, in order, as a string; the subscription, once it arrives. */
  static final class Recorder implements Flow.Subscriber<Integer> {
    final Channel<String> signals = Channel.make(1000);
    final Channel<Flow.Subscription> subscription = Channel.make(1);
    final AtomicInteger outstanding = new AtomicInteger();
    volatile boolean overrun;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.trySend(s);
    }

    @Override
    public void onNext(Integer item) {
      if (outstanding.decrementAndGet() < 0) {
        overrun = true;
      }
      signals.trySend("next " + item);
    }

    @Override
    public void onError(Throwable t) {
      signals.trySend("error " + t);
    }

    @Override
    public void onComplete() {
      signals.trySend("complete");
    }

    Flow.Subscription request(long n) throws InterruptedException {
      Flow.Subscription s = subscription.receive();
      subscription.trySend(s); // keep it for the next call
      outstanding.addAndGet((int) n);
      s.request(n);
      return s;
    }
  }

  @Test
  void itemsAreSentOnlyAgainstDemandOneAtATimeThenComplete() throws Exception {
    Recorder r = new Recorder();
    Pipeline.from(IntStream.range(0, 20).boxed().toList()).map(i -> i * 2).toPublisher(BG)
        .subscribe(r);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      r.request(1);
      got.add(r.signals.receive());
      assertThat(r.signals.tryReceive()).isNull(); // nothing beyond the one requested
    }
    r.request(1);
    assertThat(r.signals.receive()).isEqualTo("complete");
    assertThat(r.overrun).isFalse();
    assertThat(got)
        .isEqualTo(IntStream.range(0, 20).mapToObj(i -> "next " + i * 2).toList());
  }

  @Test
  void aFailureIsOnErrorWithTheCauseAndCancelEndsTheRun() throws Exception {
    Recorder failing = new Recorder();
    IOException boom = new IOException("boom");
    Pipeline.of(1, 2)
        .map(
            i -> {
              if (i == 2) {
                throw boom;
              }
              return i;
            })
        .toPublisher(BG)
        .subscribe(failing);
    failing.request(Long.MAX_VALUE);
    List<String> before = new ArrayList<>();
    String signal;
    while (!(signal = failing.signals.receive()).startsWith("error ")) {
      before.add(signal);
    }
    assertThat(signal).isEqualTo("error " + boom); // the cause itself, not wrapped
    // the failure cancels the run at once: item 1 may or may not have reached the subscriber
    assertThat(before).isSubsetOf("next 1");
    assertThat(failing.signals.tryReceive()).isNull();

    Recorder cancelling = new Recorder();
    CountDownLatch sourceStopped = new CountDownLatch(1);
    Pipeline.<Integer>generate(
            (ctx, out) -> {
              try {
                for (int i = 0; ; i++) {
                  out.emit(i);
                }
              } finally {
                sourceStopped.countDown();
              }
            })
        .toPublisher(BG)
        .subscribe(cancelling);
    Flow.Subscription s = cancelling.request(3);
    for (int i = 0; i < 3; i++) {
      assertThat(cancelling.signals.receive()).isEqualTo("next " + i);
    }
    s.cancel();
    sourceStopped.await(); // the run ended; no signal follows a cancel
    assertThat(cancelling.signals.tryReceive()).isNull();
  }

  @Test
  void aNonPositiveRequestOrTheContextsEndIsOnError() throws Exception {
    Recorder bad = new Recorder();
    Pipeline.of(1).toPublisher(BG).subscribe(bad);
    bad.request(0);
    assertThat(bad.signals.receive())
        .startsWith("error java.lang.IllegalArgumentException")
        .contains("rule 3.9");

    CancelContext ctx = Context.withCancel(BG);
    Recorder waiting = new Recorder();
    Pipeline.of(1).toPublisher(ctx).subscribe(waiting);
    assertThat(waiting.subscription.receive()).isNotNull(); // subscribed; nothing requested
    ctx.cancel();
    assertThat(waiting.signals.receive())
        .startsWith("error " + ContextCanceledException.class.getName());
  }

  @Test
  void aPipelineCanReadAnotherPipelinesPublisher() throws Exception {
    Flow.Publisher<Integer> upstream = Pipeline.from(IntStream.range(0, 100).boxed().toList())
        .toPublisher(BG);
    assertThat(Pipeline.from(upstream).buffer(4).map(i -> i + 1).toList(BG))
        .isEqualTo(IntStream.range(1, 101).boxed().toList());
  }
}
