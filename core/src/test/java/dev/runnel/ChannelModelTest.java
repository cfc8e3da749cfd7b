package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of operations that cannot block, on one thread, checked step by step against a
 * plain sequential model of Go's channels (a bounded FIFO and a closed flag). Catches buffer
 * wrap-around, len/cap, close and select-with-default mistakes that targeted tests might miss.
 */
@Timeout(30)
class ChannelModelTest {

  /** The sequential specification of one channel. */
  static final class Model {
    final int capacity;
    final ArrayDeque<Integer> buffer = new ArrayDeque<>();
    boolean closed;

    Model(int capacity) {
      this.capacity = capacity;
    }

    boolean canReceive() {
      return !buffer.isEmpty() || closed;
    }

    boolean canSend() { // true also when closed: the send is "ready" and panics
      return closed || buffer.size() < capacity;
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void randomNonBlockingOperationsMatchTheModel(long seed) throws InterruptedException {
    Random random = new Random(seed);
    int[] capacities = {0, 1, 2, 3, 7};
    List<Channel<Integer>> chans = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    for (int c : capacities) {
      chans.add(Channel.make(c));
      models.add(new Model(c));
    }
    int next = 0;
    for (int step = 0; step < 50_000; step++) {
      int k = random.nextInt(chans.size());
      Channel<Integer> ch = chans.get(k);
      Model m = models.get(k);
      String where = "seed " + seed + " step " + step + " chan " + k;
      switch (random.nextInt(10)) {
        case 0, 1, 2 -> { // trySend, or a zero-timeout send
          int v = next++;
          boolean viaDuration = random.nextBoolean();
          try {
            boolean sent = viaDuration ? ch.send(v, Duration.ZERO) : ch.trySend(v);
            assertThat(m.closed).as(where + ": send on closed did not throw").isFalse();
            assertThat(sent).as(where).isEqualTo(m.buffer.size() < m.capacity);
            if (sent) {
              m.buffer.add(v);
            }
          } catch (ChannelClosedException e) {
            assertThat(m.closed).as(where + ": threw on open channel").isTrue();
            assertThat(e).hasMessage("send on closed channel");
          }
        }
        case 3, 4, 5 -> { // tryReceive, a zero-timeout receive, or a receive that is ready
          Received<Integer> expected =
              !m.buffer.isEmpty()
                  ? new Received<>(m.buffer.peek(), true)
                  : m.closed ? Received.closed() : null;
          Received<Integer> got;
          int form = random.nextInt(3);
          if (form == 0) {
            got = ch.tryReceive();
          } else if (form == 1) {
            got = ch.receive(Duration.ZERO);
          } else if (m.canReceive()) {
            got = ch.receiveOk(); // would not block
          } else {
            got = ch.tryReceive();
          }
          assertThat(got).as(where).isEqualTo(expected);
          if (!m.buffer.isEmpty()) {
            m.buffer.poll();
          }
        }
        case 6 -> { // close, now and then
          if (random.nextInt(20) == 0) {
            try {
              ch.close();
              assertThat(m.closed).as(where + ": second close did not throw").isFalse();
              m.closed = true;
            } catch (ChannelClosedException e) {
              assertThat(m.closed).as(where).isTrue();
              assertThat(e).hasMessage("close of closed channel");
            }
          } else if (m.closed && m.buffer.isEmpty() && random.nextBoolean()) {
            chans.set(k, Channel.make(m.capacity)); // start over with a fresh channel
            models.set(k, new Model(m.capacity));
          }
        }
        default -> next = selectStep(random, chans, models, next, where);
      }
      for (int i = 0; i < chans.size(); i++) {
        assertThat(chans.get(i).size())
            .as(where + ": len of " + i)
            .isEqualTo(models.get(i).buffer.size());
        assertThat(chans.get(i).capacity()).isEqualTo(models.get(i).capacity);
      }
    }
  }

  /** A select with random cases (some on nil channels) and a default, checked against the model. */
  private static int selectStep(
      Random random, List<Channel<Integer>> chans, List<Model> models, int next, String where)
      throws InterruptedException {
    int cases = 1 + random.nextInt(4);
    int[] chanOf = new int[cases]; // -1: nil channel
    boolean[] isSend = new boolean[cases];
    int[] sendValue = new int[cases];
    int[] chosen = {-2}; // -1: default
    Object[] receivedValue = new Object[1];
    Select s = Select.select();
    for (int i = 0; i < cases; i++) {
      int c = random.nextInt(chans.size() + 1) - 1;
      chanOf[i] = c;
      isSend[i] = random.nextBoolean();
      int idx = i;
      Channel<Integer> ch = c < 0 ? null : chans.get(c);
      if (isSend[i]) {
        sendValue[i] = next++;
        s.onSend(ch, sendValue[i], () -> chosen[0] = idx);
      } else {
        s.onReceiveOk(
            ch,
            r -> {
              chosen[0] = idx;
              receivedValue[0] = r;
            });
      }
    }
    s.otherwise(() -> chosen[0] = -1);
    boolean anyReady = false;
    boolean closedSendReady = false;
    for (int i = 0; i < cases; i++) {
      if (chanOf[i] < 0) {
        continue;
      }
      Model m = models.get(chanOf[i]);
      boolean ready = isSend[i] ? m.canSend() : m.canReceive();
      anyReady |= ready;
      closedSendReady |= isSend[i] && m.closed;
    }
    try {
      s.run();
    } catch (ChannelClosedException e) {
      assertThat(closedSendReady).as(where + ": select threw without a closed send case").isTrue();
      return next;
    }
    int i = chosen[0];
    if (i == -1) {
      assertThat(anyReady).as(where + ": default taken while a case was ready").isFalse();
      return next;
    }
    assertThat(chanOf[i]).as(where + ": nil channel case chosen").isNotNegative();
    Model m = models.get(chanOf[i]);
    if (isSend[i]) {
      assertThat(m.closed).as(where + ": send case on closed channel ran its body").isFalse();
      assertThat(m.buffer.size())
          .as(where + ": send case chosen on a full channel")
          .isLessThan(m.capacity);
      m.buffer.add(sendValue[i]);
    } else {
      if (!m.buffer.isEmpty()) {
        assertThat(receivedValue[0]).as(where).isEqualTo(new Received<>(m.buffer.poll(), true));
      } else if (m.closed) {
        assertThat(receivedValue[0]).as(where).isEqualTo(Received.closed());
      } else {
        fail(where + ": receive case chosen on an empty open channel");
      }
    }
    return next;
  }
}
