/**
 * Runnel kit: the patterns Go programs build from goroutines and channels, on Runnel's core: a
 * worker pool, bounded goroutines, structured fan-out with typed results.
 */
module dev.runnel.kit {
  requires transitive dev.runnel.core;

  exports dev.runnel.workerpool;
  exports dev.runnel.structured;
  exports dev.runnel.resilience;
  exports dev.runnel.pool;
}
