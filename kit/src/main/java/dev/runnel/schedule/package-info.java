/**
 * Scheduling on Runnel's clock: {@link dev.runnel.schedule.Scheduler} runs tasks at an instant,
 * after a delay, at a fixed rate, with a fixed delay or on a {@link
 * dev.runnel.schedule.CronExpression}, each bound to a context; {@link
 * dev.runnel.schedule.Schedule} is the handle of one running schedule.
 *
 * <p>Happens-before: the call that makes a schedule happens-before its first run; each run
 * happens-before the next run of the same schedule and the schedule's end as seen by {@code
 * await}, {@code done} and {@code isDone}; a tick's sending happens-before its receipt.
 */
package dev.runnel.schedule;
