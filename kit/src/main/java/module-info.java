/**
 * Runnel kit: the patterns Go programs build from goroutines and channels, on Runnel's core:
 * worker pools and bounded goroutines, structured fan-out with typed results, pipelines and
 * schedules, resource and buffer pools, retry, hedging and circuit breaking, event reporting and
 * the application lifecycle.
 */
module dev.runnel.kit {
  requires transitive dev.runnel.core;
  requires jdk.unsupported; // sun.misc.Signal: the app lifecycle's SIGINT and SIGTERM handling

  exports dev.runnel.workerpool;
  exports dev.runnel.structured;
  exports dev.runnel.resilience;
  exports dev.runnel.report;
  exports dev.runnel.retry;
  exports dev.runnel.lifecycle;
  exports dev.runnel.pipeline;
  exports dev.runnel.breaker;
  exports dev.runnel.schedule;
  exports dev.runnel.buffer;
  exports dev.runnel.pool;
}
