package dev.runnel.testing;

import dev.runnel.debug.GoroutineDump;
import dev.runnel.debug.GoroutineInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a goroutine-leak check ignores, and how long it waits for goroutines that are finishing:
 * an immutable value, each {@code ignore...} and {@code with...} method returning a new one.
 *
 * <p>A goroutine is ignored if any rule matches it: its thread name matches a regular expression
 * ({@link #ignoreNames}), its innermost frame is a given {@code class.method} ({@link
 * #ignoreTopFunctions}), some frame of its stack is in a given method, class or package ({@link
 * #ignoreStackContaining}), or a predicate accepts it ({@link #ignore}). Rules read the stack as
 * {@link GoroutineInfo} gives it: innermost frame first, JDK and Runnel internal frames trimmed, so
 * a goroutine blocked in {@code Channel.receive} has {@code dev.runnel.Channel.receive} on top.
 *
 * <p>{@link #defaults()} ignores nothing and waits up to {@link #DEFAULT_RETRY_BUDGET}.
 *
 * <p>Memory consistency effects: options are immutable and safe to share between threads.
 *
 * <p>Go: goleak's {@code IgnoreTopFunction}, {@code IgnoreAnyFunction} and {@code
 * MaxRetries}/{@code MaxSleepInterval}; the retry budget here is a total duration.
 *
 * {@snippet :
 * LeakOptions options = LeakOptions.defaults()
 *     .ignoreTopFunctions("com.example.Poller.awaitTick")
 *     .ignoreNames("goroutine-.*-metrics")
 *     .withRetryBudget(Duration.ofMillis(500));
 * GoroutineLeaks.verifyNone(mark, options);
 * }
 */
public final class LeakOptions {

  /**
   * How long a check waits, by default, for goroutines started after the mark to end before it
   * reports them: long enough for goroutines that are finishing on a loaded machine, short enough
   * that a leaking test fails fast.
   */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(2);

  private static final LeakOptions DEFAULTS =
      new LeakOptions(List.of(), List.of(), List.of(), List.of(), DEFAULT_RETRY_BUDGET, false);

  private final List<Pattern> names;
  private final List<String> topFunctions;
  private final List<String> stackContaining;
  private final List<Predicate<? super GoroutineInfo>> predicates;
  private final Duration retryBudget;
  private final boolean allVirtualThreads;

  private LeakOptions(
      List<Pattern> names,
      List<String> topFunctions,
      List<String> stackContaining,
      List<Predicate<? super GoroutineInfo>> predicates,
      Duration retryBudget,
      boolean allVirtualThreads) {
    this.names = List.copyOf(names);
    this.topFunctions = List.copyOf(topFunctions);
    this.stackContaining = List.copyOf(stackContaining);
    this.predicates = List.copyOf(predicates);
    this.retryBudget = retryBudget;
    this.allVirtualThreads = allVirtualThreads;
  }

  /**
   * The options that ignore no goroutine and wait up to {@link #DEFAULT_RETRY_BUDGET}.
   *
   * @return the default options
   */
  public static LeakOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options, also ignoring goroutines whose thread name matches one of {@code regexes} in
   * full ({@link java.util.regex.Matcher#matches()}).
   *
   * @param regexes regular expressions over thread names
   * @return the new options
   * @throws java.util.regex.PatternSyntaxException if a regex is invalid
   * @throws NullPointerException if a regex is null
   */
  public LeakOptions ignoreNames(String... regexes) {
    List<Pattern> n = new ArrayList<>(names);
    for (String r : regexes) {
      n.add(Pattern.compile(Objects.requireNonNull(r, "regex")));
    }
    return new LeakOptions(
        n, topFunctions, stackContaining, predicates, retryBudget, allVirtualThreads);
  }

  /**
   * These options, also ignoring goroutines whose innermost frame is one of {@code functions}
   * ({@link GoroutineInfo#topFunction()}): for a goroutine that is meant to outlive the test and
   * is recognised by where it waits. Go: goleak's {@code IgnoreTopFunction}.
   *
   * @param functions fully qualified {@code class.method} names
   * @return the new options
   * @throws NullPointerException if a function is null
   */
  public LeakOptions ignoreTopFunctions(String... functions) {
    List<String> f = new ArrayList<>(topFunctions);
    for (String fn : functions) {
      f.add(Objects.requireNonNull(fn, "function"));
    }
    return new LeakOptions(names, f, stackContaining, predicates, retryBudget, allVirtualThreads);
  }

  /**
   * These options, also ignoring goroutines with a frame anywhere in their stack in one of {@code
   * functions} ({@link GoroutineInfo#stackContains}): a {@code class.method}, a class, or a
   * package. Go: goleak's {@code IgnoreAnyFunction}.
   *
   * @param functions fully qualified methods, classes or packages
   * @return the new options
   * @throws NullPointerException if a function is null
   */
  public LeakOptions ignoreStackContaining(String... functions) {
    List<String> f = new ArrayList<>(stackContaining);
    for (String fn : functions) {
      f.add(Objects.requireNonNull(fn, "function"));
    }
    return new LeakOptions(names, topFunctions, f, predicates, retryBudget, allVirtualThreads);
  }

  /**
   * These options, also ignoring the goroutines that {@code filter} accepts.
   *
   * @param filter true for a goroutine to ignore; called from the checking thread
   * @return the new options
   * @throws NullPointerException if {@code filter} is null
   */
  public LeakOptions ignore(Predicate<? super GoroutineInfo> filter) {
    List<Predicate<? super GoroutineInfo>> p = new ArrayList<>(predicates);
    p.add(Objects.requireNonNull(filter, "filter"));
    return new LeakOptions(names, topFunctions, stackContaining, p, retryBudget, allVirtualThreads);
  }

  /**
   * These options, waiting at most {@code budget} in all for goroutines started after the mark to
   * end before reporting them. Zero checks once, without waiting.
   *
   * @param budget the total time to wait
   * @return the new options
   * @throws IllegalArgumentException if {@code budget} is negative
   * @throws NullPointerException if {@code budget} is null
   */
  public LeakOptions withRetryBudget(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("negative retry budget: " + budget);
    }
    return new LeakOptions(
        names, topFunctions, stackContaining, predicates, budget, allVirtualThreads);
  }

  /**
   * These options, also checking the virtual threads that Runnel did not start ({@code
   * Thread.ofVirtual()}, {@code Executors.newVirtualThreadPerTaskExecutor()}), as goleak checks
   * every goroutine. By default a check sees only goroutines started through Runnel ({@code
   * Go.go}, {@code WaitGroup.go}, {@code ErrGroup.go}, timer callbacks). Those other threads are
   * read from the JDK's thread dump, a few milliseconds per reading; their entries have id -1 and
   * no wait reason (see {@link GoroutineDump#takeStartedAfter(long, long)}), and the ignore rules
   * apply to them too. Needs a mark from {@link GoroutineLeaks#markAll()}, which the JUnit
   * extension takes itself.
   *
   * @return the new options
   */
  public LeakOptions includeAllVirtualThreads() {
    return new LeakOptions(names, topFunctions, stackContaining, predicates, retryBudget, true);
  }

  /**
   * Whether a check also reads the virtual threads Runnel did not start ({@link
   * #includeAllVirtualThreads()}).
   *
   * @return true in the wide mode
   */
  public boolean includesAllVirtualThreads() {
    return allVirtualThreads;
  }

  /**
   * How long a check waits, in all, for goroutines to end.
   *
   * @return the retry budget
   */
  public Duration retryBudget() {
    return retryBudget;
  }

  /**
   * Whether any ignore rule was given; without one a check can poll a count instead of reading
   * stacks.
   *
   * @return true if some goroutine may be ignored
   */
  public boolean hasIgnoreRules() {
    return !names.isEmpty()
        || !topFunctions.isEmpty()
        || !stackContaining.isEmpty()
        || !predicates.isEmpty();
  }

  /**
   * Whether a rule ignores {@code g}.
   *
   * @param g a goroutine from a dump
   * @return true if a rule matches it
   */
  public boolean ignores(GoroutineInfo g) {
    for (Pattern p : names) {
      if (p.matcher(g.name()).matches()) {
        return true;
      }
    }
    String top = g.topFunction();
    for (String fn : topFunctions) {
      if (fn.equals(top)) {
        return true;
      }
    }
    for (String fn : stackContaining) {
      if (g.stackContains(fn)) {
        return true;
      }
    }
    for (Predicate<? super GoroutineInfo> p : predicates) {
      if (p.test(g)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The options, for failure messages.
   *
   * @return a description of the rules and the budget
   */
  @Override
  public String toString() {
    return "LeakOptions[names=" + names + ", topFunctions=" + topFunctions
        + ", stackContaining=" + stackContaining + ", predicates=" + predicates.size()
        + ", retryBudget=" + retryBudget + ", allVirtualThreads=" + allVirtualThreads + "]";
  }
}
