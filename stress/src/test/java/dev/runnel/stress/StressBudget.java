package dev.runnel.stress;

/**
 * How much each stress test explores: the sample that {@code mvn verify} (and so CI) runs, or the
 * full budget that {@code ./run stress} ({@code mvn -pl stress -am verify -Pstress-full}) runs.
 *
 * <p>Both run the same scenarios' shapes (threads, operations per thread) and the same seeds; the
 * full budget draws more random scenarios and explores more interleavings of each. The sample is
 * sized so that every test still finds the races its proof is about within a few seconds on a
 * loaded 2-core machine: {@link LincheckBudgetFindsPlantedRacesTest} checks that the sample's
 * Lincheck options catch planted races, and each test's comment says what its sample keeps.
 *
 * <p>{@code -Drunnel.stress.full=true} selects the full budget (surefire passes the property on).
 */
final class StressBudget {

  /** Whether this run uses the full budget rather than the CI sample. */
  static final boolean FULL = Boolean.getBoolean("runnel.stress.full");

  private StressBudget() {}

  /** {@code sample} in the default run, {@code full} in the long one. */
  static int pick(int sample, int full) {
    return FULL ? full : sample;
  }
}
