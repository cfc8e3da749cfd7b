/**
 * A pool of expensive resources (connections, sessions, clients): {@link
 * dev.runnel.pool.ResourcePool}, which lends them as {@link dev.runnel.pool.Lease}s made by a
 * {@link dev.runnel.pool.ResourceFactory}.
 *
 * <p>Happens-before: actions of a holder before it releases a lease happen-before the next holder
 * of the same resource gets its lease; the factory's {@code create} happens-before the first
 * holder gets the resource; every use of a resource happens-before the factory's {@code destroy}
 * of it.
 */
package dev.runnel.pool;
