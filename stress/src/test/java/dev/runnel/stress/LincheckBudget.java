package dev.runnel.stress;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The budget of the data-structure Lincheck tests: small scenarios (2-3 threads, a few operations
 * each), in one place to tune them all. The scenario's shape is the same in both budgets of {@link
 * StressBudget}; what changes is how many random scenarios are drawn (iterations) and how many
 * interleavings of each are run (invocations).
 *
 * <p>What the sample keeps, measured on planted races ({@link
 * LincheckBudgetFindsPlantedRacesTest}, which keeps the sample honest) and on two real bugs these
 * tests found, since fixed, put back one at a time. Model checking, 10 scenarios of 60
 * interleavings: the number of scenarios is what finds a race between two particular operations
 * (the planted counter: 4 scenarios of 400 interleavings missed it, 10 of 20 found it), and a race
 * deep inside an operation needs some 50 interleavings of the scenario that shows it (the old
 * {@code SyncMap.clear} on {@code ConcurrentHashMap}: 4 scenarios of 50 found it, 30 of 30 did
 * not). The old {@code WaitGroup.add} (add, then take back a negative result) is found at once.
 * Stress, on real threads, for what no model reproduces (the JIT, real parking): 4 scenarios run
 * 250 times each. The full budget: 30 scenarios of 300 interleavings; 20 scenarios run 1,000
 * times.
 */
final class LincheckBudget {

  private LincheckBudget() {}

  /** Model checking options, 3 threads of 2 operations, one before and one after. */
  static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        .iterations(StressBudget.pick(10, 30))
        .invocationsPerIteration(StressBudget.pick(60, 300))
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1);
  }

  /** Stress options: 2 threads of 3 operations. */
  static StressOptions stressing() {
    return new StressOptions()
        .iterations(StressBudget.pick(4, 20))
        .invocationsPerIteration(StressBudget.pick(250, 1_000))
        .threads(2)
        .actorsPerThread(3);
  }

  /** Model-checks {@code operations} against {@code sequentialSpecification}. */
  static void modelCheck(Class<?> operations, Class<?> sequentialSpecification) {
    modelChecking().sequentialSpecification(sequentialSpecification).check(operations);
  }

  /** Stresses {@code operations} on real threads against {@code sequentialSpecification}. */
  static void stress(Class<?> operations, Class<?> sequentialSpecification) {
    stressing().sequentialSpecification(sequentialSpecification).check(operations);
  }
}
