package dev.runnel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.Channel;
import dev.runnel.Go;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One SIGTERM raised in this JVM while an app runs: the app, not the JVM, handles it, and the
 * JVM's own handler is back once the run has ended. (The second signal, which halts, is tested in
 * a child JVM by {@link AppSignalTest}.)
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AppSignalInProcessTest {

  private static final Signal TERM = new Signal("TERM");

  /** The handler in place now, put back at once. */
  private static SignalHandler currentTermHandler() {
    SignalHandler current = Signal.handle(TERM, SignalHandler.SIG_DFL);
    Signal.handle(TERM, current);
    return current;
  }

  @Test
  void aSignalWhileTheAppRunsStopsItAndTheHandlerIsRestoredAfter() throws Exception {
    SignalHandler before = currentTermHandler();
    Channel<String> started = Channel.make(1);
    Channel<String> stopped = Channel.make(1);
    App app =
        new App()
            .service(Service.of("a", ctx -> started.send("a"), ctx -> stopped.send("a")));
    Channel<Exit> exit = Channel.make(1);
    Go.go(() -> exit.send(app.run()));
    started.receive();
    assertThat(currentTermHandler().toString()).isNotEqualTo(before.toString());
    Signal.raise(TERM);
    Exit e = exit.receive();
    assertThat(stopped.receive()).isEqualTo("a");
    assertThat(e.reason()).isEqualTo(Exit.Reason.SIGNAL);
    assertThat(e.signal()).isEqualTo("TERM");
    assertThat(e.status()).isEqualTo(143);
    // sun.misc.Signal wraps the JVM's own handler anew on each call: compare what it wraps
    assertThat(currentTermHandler()).hasToString(before.toString());
  }
}
