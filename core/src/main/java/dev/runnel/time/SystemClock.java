package dev.runnel.time;

import dev.runnel.internal.SystemTime;
import java.time.Instant;

/** The real clock; see {@link Clock#system()}. */
final class SystemClock extends Clock {

  static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {
    super(SystemTime.INSTANCE);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public String toString() {
    return "Clock.system()";
  }
}
