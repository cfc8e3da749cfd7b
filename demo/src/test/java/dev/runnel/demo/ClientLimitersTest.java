package dev.runnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Per-client token buckets in a map that never holds more than its bound. */
class ClientLimitersTest {

  @Test
  void eachClientHasItsOwnBucket() {
    ClientLimiters l = new ClientLimiters(0.001, 2, 10);
    assertThat(l.allow("a")).isTrue();
    assertThat(l.allow("a")).isTrue();
    assertThat(l.allow("a")).isFalse();
    assertThat(l.allow("b")).isTrue();
  }

  @Test
  void theLeastRecentlySeenClientIsForgottenBeyondTheBound() {
    ClientLimiters l = new ClientLimiters(0.001, 1, 2);
    assertThat(l.allow("a")).isTrue();
    assertThat(l.allow("b")).isTrue();
    assertThat(l.allow("a")).isFalse(); // a is now the most recent
    assertThat(l.allow("c")).isTrue(); // b, the least recent, is forgotten
    assertThat(l.size()).isEqualTo(2);
    assertThat(l.allow("a")).isFalse(); // a was kept, its bucket still empty
    assertThat(l.allow("b")).isTrue(); // b starts again with a full bucket
    for (int i = 0; i < 1000; i++) {
      l.allow("flood-" + i);
    }
    assertThat(l.size()).isEqualTo(2);
  }
}
