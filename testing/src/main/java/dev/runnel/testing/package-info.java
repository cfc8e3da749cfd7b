/**
 * Goroutine-leak checks for tests, in the manner of Go's {@code go.uber.org/goleak}: a test notes
 * the last goroutine id before it runs, and fails if goroutines started after that are still alive
 * when it ends.
 *
 * <ul>
 *   <li>{@link dev.runnel.testing.GoroutineLeaks}: {@code mark()} and {@code verifyNone(mark)},
 *       with no dependency on a test framework;
 *   <li>{@link dev.runnel.testing.LeakOptions}: which goroutines to ignore, and how long to wait
 *       for goroutines that are finishing;
 *   <li>{@link dev.runnel.testing.CheckGoroutineLeaks} and {@link
 *       dev.runnel.testing.GoroutineLeakExtension}: the check for JUnit 5 tests, per test or per
 *       class.
 * </ul>
 *
 * <p>Memory consistency: the check reads Runnel's goroutine registry, to which a goroutine is added
 * before its {@code Go.go} call returns and from which it is removed when its body returns; a
 * goroutine whose end happens-before the check is never reported.
 */
package dev.runnel.testing;
