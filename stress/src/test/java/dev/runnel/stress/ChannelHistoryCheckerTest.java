package dev.runnel.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Received;
import dev.runnel.stress.ChannelHistoryChecker.Kind;
import dev.runnel.stress.ChannelHistoryChecker.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker accepts what a channel may do and rejects what it may not: tests of the test. */
class ChannelHistoryCheckerTest {

  private static Op op(int thread, Kind kind, int arg, Object result, long from, long to) {
    return new Op(thread, kind, arg, result, from, to);
  }

  @Test
  void acceptsOverlappingRendezvous() {
    List<Op> h =
        List.of(op(0, Kind.SEND, 1, null, 0, 3), op(1, Kind.RECEIVE, 0, 1, 1, 2));
    assertThat(ChannelHistoryChecker.isLinearizable(0, h)).isTrue();
  }

  @Test
  void rejectsRendezvousThatDoNotOverlap() {
    List<Op> h =
        List.of(op(0, Kind.SEND, 1, null, 0, 1), op(1, Kind.RECEIVE, 0, 1, 2, 3));
    assertThat(ChannelHistoryChecker.isLinearizable(0, h)).isFalse();
  }

  @Test
  void rejectsTwoTryFormsMeeting() {
    List<Op> h =
        List.of(
            op(0, Kind.TRY_SEND, 1, true, 0, 3),
            op(1, Kind.TRY_RECEIVE, 0, new Received<>(1, true), 1, 2));
    assertThat(ChannelHistoryChecker.isLinearizable(0, h)).isFalse();
  }

  @Test
  void rejectsReceiveOfNothingOnAnOpenChannel() {
    List<Op> h = List.of(op(0, Kind.RECEIVE, 0, null, 0, 1), op(0, Kind.CLOSE, 0, null, 2, 3));
    assertThat(ChannelHistoryChecker.isLinearizable(1, h)).isFalse();
  }

  @Test
  void acceptsReceiveWokenByClose() {
    List<Op> h = List.of(op(0, Kind.RECEIVE, 0, null, 0, 3), op(1, Kind.CLOSE, 0, null, 1, 2));
    assertThat(ChannelHistoryChecker.isLinearizable(1, h)).isTrue();
  }

  @Test
  void rejectsFifoViolation() {
    List<Op> h =
        List.of(
            op(0, Kind.SEND, 1, null, 0, 1),
            op(0, Kind.SEND, 2, null, 2, 3),
            op(1, Kind.RECEIVE, 0, 2, 4, 5));
    assertThat(ChannelHistoryChecker.isLinearizable(2, h)).isFalse();
  }

  @Test
  void rejectsSendPastCapacity() {
    List<Op> h =
        List.of(op(0, Kind.TRY_SEND, 1, true, 0, 1), op(0, Kind.TRY_SEND, 2, true, 2, 3));
    assertThat(ChannelHistoryChecker.isLinearizable(1, h)).isFalse();
  }

  @Test
  void misuseIsAResult() {
    List<Op> h =
        List.of(
            op(0, Kind.CLOSE, 0, null, 0, 1),
            op(0, Kind.CLOSE, 0, ChannelHistoryChecker.THREW, 2, 3),
            op(0, Kind.SEND, 1, ChannelHistoryChecker.THREW, 4, 5));
    assertThat(ChannelHistoryChecker.isLinearizable(1, h)).isTrue();
    List<Op> wrong = List.of(op(0, Kind.CLOSE, 0, null, 0, 1), op(0, Kind.CLOSE, 0, null, 2, 3));
    assertThat(ChannelHistoryChecker.isLinearizable(1, wrong)).isFalse();
  }

  @Test
  void acceptsBlockedSenderMovingIntoTheBufferAfterAReceive() {
    List<Op> h =
        List.of(
            op(0, Kind.SEND, 1, null, 0, 1),
            op(0, Kind.SEND, 2, null, 2, 7),
            op(1, Kind.RECEIVE, 0, 1, 3, 4),
            op(1, Kind.RECEIVE, 0, 2, 5, 8));
    assertThat(ChannelHistoryChecker.isLinearizable(1, h)).isTrue();
  }

  @Test
  void selectCasesPairLikeTheirOperations() {
    List<Op> h =
        List.of(
            op(0, Kind.SELECT_SEND, 1, null, 0, 3),
            op(1, Kind.SELECT_RECEIVE, 0, 1, 1, 2));
    assertThat(ChannelHistoryChecker.isLinearizable(0, h)).isTrue();
  }
}
