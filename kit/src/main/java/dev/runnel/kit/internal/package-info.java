/**
 * What several kit packages share and users do not call: not exported by the {@code
 * dev.runnel.kit} module.
 */
package dev.runnel.kit.internal;
