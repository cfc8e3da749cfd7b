/**
 * Go's {@code sync} package.
 */
package dev.runnel.sync;
