package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runnel.context.Context;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Select misuse and failures: nulls, foreign channels, exceptions from bodies. */
@Timeout(10)
class SelectMisuseTest {

  // ------------------------------------------------------------------ misuse

  @Test
  void nullSendValueIsRejected() {
    Channel<String> ch = Channel.make(1);
    assertThatThrownBy(() -> Select.select().onSend(ch, null, () -> {}))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void foreignChannelImplementationsAreRejected() {
    ReceiveChannel<String> foreign =
        new ReceiveChannel<>() {
          @Override
          public String receive() {
            return null;
          }

          @Override
          public Received<String> receiveOk() {
            return null;
          }

          @Override
          public String receive(Context ctx) {
            return null;
          }

          @Override
          public Received<String> receiveOk(Context ctx) {
            return null;
          }

          @Override
          public Received<String> receive(Duration timeout) {
            return null;
          }

          @Override
          public Received<String> tryReceive() {
            return null;
          }

          @Override
          public int size() {
            return 0;
          }

          @Override
          public int capacity() {
            return 0;
          }

          @Override
          public Iterator<String> iterator() {
            return List.<String>of().iterator();
          }
        };
    assertThatThrownBy(() -> Select.select().onReceive(foreign, v -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Select.select().onReceiveOk(foreign, v -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    SendChannel<String> foreignSend =
        new SendChannel<>() {
          @Override
          public void send(String e) {}

          @Override
          public void send(Context ctx, String e) {}

          @Override
          public boolean send(String e, Duration timeout) {
            return true;
          }

          @Override
          public boolean trySend(String e) {
            return true;
          }

          @Override
          public void close() {}
        };
    assertThatThrownBy(() -> Select.select().onSend(foreignSend, "v", () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exceptionFromBodyPropagatesAfterTheCommunication() throws InterruptedException {
    Channel<String> ch = Channel.make(1);
    ch.send("v");
    Select s = Select.select().onReceive(ch, v -> {
      throw new IllegalStateException("body failed");
    });
    assertThatThrownBy(s::run).hasMessage("body failed");
    assertThat(ch.size()).isZero();
    ch.send("w");
    assertThatThrownBy(s::run).hasMessage("body failed"); // the builder still works
  }

  @Test
  void nullBodiesAreRejected() {
    Channel<String> ch = Channel.make(1);
    assertThatThrownBy(() -> Select.select().onReceive(ch, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Select.select().onReceiveOk(ch, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Select.select().onSend(ch, "v", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Select.select().otherwise(null))
        .isInstanceOf(NullPointerException.class);
  }
}
