package dev.runnel.stress;

/**
 * Shows Lincheck's general-purpose model checker that an object is shared between threads.
 *
 * <p>The checker (Lincheck 3.7) treats an object made inside a {@code runConcurrentTest} block as
 * local to the thread that made it, and so puts no thread switch at its fields, until the object
 * is stored somewhere shared. Reaching another thread through that thread's {@code Runnable} does
 * not count: a race on such an object is never explored ({@link
 * GeneralModelCheckerFindsPlantedLostWakeUpTest} missed its planted lost wake-up until its latch
 * was published here). A store to a static field counts, so the tests publish the object under
 * test before they start their threads.
 */
final class LincheckShared {

  @SuppressWarnings("unused") // written for Lincheck to see, never read
  private static volatile Object published;

  private LincheckShared() {}

  /** Publishes {@code object} to a static field, and returns it. */
  static <T> T publish(T object) {
    published = object;
    return object;
  }
}
