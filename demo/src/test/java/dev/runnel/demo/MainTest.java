package dev.runnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line: the defaults, the flags, and a clear refusal of anything else. */
class MainTest {

  @Test
  void noFlagsRunTwentySecondsAndEnd() {
    DemoConfig c = Main.parse(new String[0]);
    assertThat(c.load()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.serve()).isFalse();
    assertThat(c.dataDir()).isNull();
  }

  @Test
  void flagsSetLengthServeAndDirectory() {
    DemoConfig c = Main.parse(new String[] {"--seconds", "5", "--serve", "--dir", "/tmp/x"});
    assertThat(c.load()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.serve()).isTrue();
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
  }

  @Test
  void badFlagsAreRefusedWithWhatWasWrong() {
    assertThatThrownBy(() -> Main.parse(new String[] {"--seconds"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--seconds");
    assertThatThrownBy(() -> Main.parse(new String[] {"--seconds", "ten"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ten");
    assertThatThrownBy(() -> Main.parse(new String[] {"--seconds", "-1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> Main.parse(new String[] {"--fast"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--fast");
  }

  @Test
  void configRefusesValuesOutOfRange() {
    DemoConfig d = DemoConfig.defaults();
    assertThatThrownBy(() -> d.withPool(0, 1)).hasMessageContaining("workers");
    assertThatThrownBy(() -> d.withLimits(0, 1, 1, 1)).hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> d.withFaults(1.0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("failureRate");
    assertThatThrownBy(() -> d.withFaults(0, Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ZERO)).hasMessageContaining("outageLength");
  }
}
