/**
 * The main demo ({@code ./run demo}): the job-queue service of "Handling 1 Million Requests per
 * Minute with Go", on localhost, with Runnel doing every concurrent part. Jetty serves {@code POST
 * /v1/payloads} and {@code GET /metrics}; a per-client {@code RateLimiter}, a size limit and a
 * JSON check answer 429, 413 and 400; a {@code WorkerPool} takes each accepted request as one job
 * or answers 503; workers write payloads as files under a retry around a circuit breaker, with
 * storage failing on purpose; an {@code EventReporter} writes analytics events to a JSON-lines
 * file; a load generator of goroutines drives it all; a lifecycle {@code App} starts the parts
 * and stops them in reverse; and the {@link dev.runnel.demo.Summary} counts the files on disk to
 * show that nothing was lost.
 *
 * <p>Happens-before: a payload's acceptance (the 202) happens-before the worker's write of it;
 * every write and every event delivery happens-before the stop of the part that did it returns,
 * and so before the summary is counted.
 */
package dev.runnel.demo;
