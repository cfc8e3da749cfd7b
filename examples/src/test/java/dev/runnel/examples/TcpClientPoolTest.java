package dev.runnel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every request is answered through at most 4 pooled connections, the connections the server hung
 * up on are dropped and replaced, and the one forgotten connection is reported as a leak with the
 * method that acquired it.
 */
class TcpClientPoolTest {

  private static final Pattern ANSWERED =
      Pattern.compile("(\\d+) of (\\d+) requests answered \\((\\d+) retried on a new connection\\)");
  private static final Pattern CONNECTIONS =
      Pattern.compile(
          "connections: (\\d+) dialed, (\\d+) dropped \\((\\d+) failed validation\\), at most (\\d+) open");

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyRequestIsAnsweredAndTheLeakIsReported() throws Exception {
    List<String> out = ProgramOutput.of(() -> TcpClientPool.main(new String[0]));

    assertThat(out).hasSize(4);
    Matcher answered = ANSWERED.matcher(out.get(0));
    assertThat(answered.matches()).as(out.get(0)).isTrue();
    assertThat(answered.group(1)).isEqualTo("50");
    assertThat(answered.group(2)).isEqualTo("50");

    Matcher conns = CONNECTIONS.matcher(out.get(1));
    assertThat(conns.matches()).as(out.get(1)).isTrue();
    int dialed = Integer.parseInt(conns.group(1));
    int dropped = Integer.parseInt(conns.group(2));
    int failedValidation = Integer.parseInt(conns.group(3));
    int retried = Integer.parseInt(answered.group(3));
    assertThat(conns.group(4)).isEqualTo("4");
    // The server answers at most 4 lines per connection: 51 uses need more than 4 connections,
    // so hung-up connections were found (by validation or by a failed request) and replaced.
    assertThat(dialed).isGreaterThan(4);
    assertThat(dropped).isGreaterThanOrEqualTo(dialed - 4);
    assertThat(failedValidation + retried).isPositive();

    assertThat(out.get(2))
        .isEqualTo("leak reported: a connection held over 300 ms, acquired in forgetful()");
    assertThat(out.get(3)).isEqualTo("server and pool closed; every goroutine ended");
  }
}
