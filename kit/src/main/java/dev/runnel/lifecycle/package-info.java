/**
 * Application lifecycle: an {@link dev.runnel.lifecycle.App} owns its {@link
 * dev.runnel.lifecycle.Service services}, starts them in order, stops them in reverse on a
 * signal, {@code stop()} or a failure, each within its share of one shutdown deadline, and reports
 * how the run ended as an {@link dev.runnel.lifecycle.Exit} with a process exit status.
 *
 * <p>Happens-before, in this package:
 *
 * <ul>
 *   <li>configuring an app (adding services and hooks) happens-before they run;
 *   <li>each before-start hook, start, stop and after-stop hook happens-before the next one
 *       begins, in the order the app runs them;
 *   <li>{@code App.stop()}, and the receipt of a signal, happen-before the stops they cause;
 *   <li>every stop and hook that returned within its share happens-before {@code App.run()}
 *       returns.
 * </ul>
 *
 * <p>Go: {@code signal.NotifyContext} with an {@code errgroup}, as {@code go-kratos}' {@code App}
 * and {@code oklog/run} use them; {@code fx}'s lifecycle hooks.
 */
package dev.runnel.lifecycle;
