/** Runnable Runnel programs: the classic Go concurrency scenarios and the main demo. */
module dev.runnel.examples {
  requires dev.runnel.core;
  requires dev.runnel.kit;
}
