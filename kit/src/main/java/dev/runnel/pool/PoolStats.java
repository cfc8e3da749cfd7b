package dev.runnel.pool;

import java.time.Duration;

/**
 * A snapshot of a {@link ResourcePool}'s counts, taken atomically: {@code size == idle + inUse +
 * creating} and {@code size <= maxSize} in every snapshot.
 *
 * @param size the resources the pool has, plus those being created
 * @param idle the resources waiting to be lent
 * @param inUse the resources lent out
 * @param creating the resources being created
 * @param waiters the acquirers waiting for a resource
 * @param acquired acquires that returned a lease, ever
 * @param created resources the factory made, ever
 * @param destroyed resources the pool gave up (and destroyed or will destroy), ever
 * @param creationFailures failed creations, ever
 * @param validationFailures resources that failed validation, ever
 * @param timeouts acquires that gave up because their context ended, ever
 * @param leaks leases reported as held past the leak threshold, ever
 * @param totalWait the time acquirers spent waiting in the queue, in total
 * @param maxWait the longest such wait
 */
public record PoolStats(
    int size,
    int idle,
    int inUse,
    int creating,
    int waiters,
    long acquired,
    long created,
    long destroyed,
    long creationFailures,
    long validationFailures,
    long timeouts,
    long leaks,
    Duration totalWait,
    Duration maxWait) {}
