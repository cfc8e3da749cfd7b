package dev.runnel.stress;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The CI budget of the data-structure Lincheck tests for the sync and atomic types: small
 * scenarios (2-3 threads, a few operations each), enough iterations to find the interleavings
 * that matter, a few seconds per test on 2 cores. One place to tune them all.
 */
final class LincheckBudget {

  private LincheckBudget() {}

  /** Model checking: 3 threads of 2 operations, one before and one after. */
  static void modelCheck(Class<?> operations, Class<?> sequentialSpecification) {
    new ModelCheckingOptions()
        .iterations(10)
        .invocationsPerIteration(200)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .sequentialSpecification(sequentialSpecification)
        .check(operations);
  }

  /** Stress on real threads: 2 threads of 3 operations. */
  static void stress(Class<?> operations, Class<?> sequentialSpecification) {
    new StressOptions()
        .iterations(5)
        .invocationsPerIteration(500)
        .threads(2)
        .actorsPerThread(3)
        .sequentialSpecification(sequentialSpecification)
        .check(operations);
  }
}
