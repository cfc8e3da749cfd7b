/**
 * Reporting events (analytics, audit records) without blocking the caller and without losing any
 * silently: {@link dev.runnel.report.EventReporter} buffers, batches and delivers them to an
 * {@link dev.runnel.report.EventSink} through a retry and circuit-breaker policy of the user's
 * choice, and its shutdown returns exactly what it could not deliver.
 */
package dev.runnel.report;
