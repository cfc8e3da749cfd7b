/**
 * Runnel core: Go's concurrency model for Java 21+ on virtual threads. No runtime dependencies.
 */
module dev.runnel.core {
  requires java.management; // the goroutine-dump MXBean (dev.runnel.debug.Diagnostics)

  exports dev.runnel;
  exports dev.runnel.atomic;
  exports dev.runnel.context;
  exports dev.runnel.debug;
  exports dev.runnel.rate;
  exports dev.runnel.errgroup;
  exports dev.runnel.semaphore;
  exports dev.runnel.singleflight;
  exports dev.runnel.sync;
  exports dev.runnel.time;
}
