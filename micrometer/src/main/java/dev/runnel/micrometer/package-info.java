/**
 * Micrometer meters for Runnel: {@link dev.runnel.micrometer.RunnelMetrics}.
 */
package dev.runnel.micrometer;
