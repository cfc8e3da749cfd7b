package dev.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Select misuse and failures: nulls, sealed channel types, exceptions from bodies. */
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
  void onlyRunnelChannelsExistSoSelectNeedsNoRuntimeCheck() {
    // A foreign implementation cannot compile: the channel interfaces are sealed.
    assertThat(ReceiveChannel.class.isSealed()).isTrue();
    assertThat(SendChannel.class.isSealed()).isTrue();
    assertThat(ReceiveChannel.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(Channel.class, ReceiveOnlyChannel.class);
    assertThat(SendChannel.class.getPermittedSubclasses()).containsExactly(Channel.class);
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
