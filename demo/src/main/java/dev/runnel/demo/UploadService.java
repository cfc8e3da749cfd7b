package dev.runnel.demo;

import dev.runnel.context.Context;
import dev.runnel.lifecycle.Service;
import dev.runnel.resilience.Policy;
import dev.runnel.structured.Task;
import dev.runnel.workerpool.WorkerPool;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The job queue and the workers: each accepted request becomes one job in a {@link WorkerPool},
 * and a worker writes its payloads to storage, each write under the storage policy (retry, then
 * circuit breaker). A payload the policy gives up on is parked in a local directory instead of
 * lost, and so are the payloads of jobs a shutdown could not start in time.
 *
 * <p>Accounting: once the service has stopped, every accepted payload is in exactly one of the
 * two directories, so {@code acceptedPayloads = stored + parked}, and the files on disk say so.
 */
final class UploadService implements Service {

  private final WorkerPool pool;
  private final Policy policy;
  private final Storage storage;
  private final FileStorage parking;
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder acceptedPayloads = new LongAdder();
  private final LongAdder acceptedRequests = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder parked = new LongAdder();

  /** A pool of {@code workers} and {@code queueCapacity} writing through {@code policy}. */
  UploadService(int workers, int queueCapacity, Policy policy, Storage storage,
      FileStorage parking) {
    this.pool = WorkerPool.builder().name("uploads").maxWorkers(workers)
        .queueCapacity(queueCapacity).build();
    this.policy = Objects.requireNonNull(policy, "policy");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.parking = Objects.requireNonNull(parking, "parking");
  }

  @Override
  public String name() {
    return "uploads";
  }

  @Override
  public void start(Context ctx) {
    // workers start on demand
  }

  /**
   * Queues one request's payloads if the pool has room now; never waits.
   *
   * @param payloads the payloads' bytes, in order
   * @return the request's number; -1 if the pool is full or shutting down: nothing was taken
   */
  long tryAccept(List<byte[]> payloads) {
    Upload upload = new Upload(sequence.incrementAndGet(), List.copyOf(payloads));
    WorkerPool.Job<Void> job;
    try {
      job = pool.trySubmit(upload);
    } catch (RejectedExecutionException shutDown) {
      return -1;
    }
    if (job == null) {
      return -1;
    }
    acceptedPayloads.add(payloads.size());
    acceptedRequests.increment();
    return upload.request;
  }

  /** One request's payloads, each stored as {@code <request>-<index>}. */
  private final class Upload implements Task<Void> {
    private final long request;
    private final List<byte[]> payloads;

    Upload(long request, List<byte[]> payloads) {
      this.request = request;
      this.payloads = payloads;
    }

    @Override
    public Void run(Context ctx) throws IOException, InterruptedException {
      for (int i = 0; i < payloads.size(); i++) {
        String name = request + "-" + i;
        byte[] bytes = payloads.get(i);
        try {
          policy.call(ctx, c -> {
            storage.write(c, name, bytes);
            return null;
          });
          stored.increment();
        } catch (InterruptedException e) {
          park(name, bytes);
          throw e;
        } catch (Exception gaveUp) {
          park(name, bytes);
        }
      }
      return null;
    }

    /** Stores every payload in the parking directory: for a job that never started. */
    void parkAll() throws IOException {
      for (int i = 0; i < payloads.size(); i++) {
        park(request + "-" + i, payloads.get(i));
      }
    }
  }

  private void park(String name, byte[] bytes) throws IOException {
    parking.write(Context.background(), name, bytes);
    parked.increment();
  }

  /**
   * Stops intake and runs the queued jobs until {@code ctx} ends. Then the jobs still queued are
   * parked, and the running ones are cancelled: they park what they have not stored.
   */
  @Override
  public void stop(Context ctx) throws Exception {
    List<WorkerPool.Job<?>> unstarted = new ArrayList<>(pool.shutdown(ctx));
    if (!pool.isTerminated()) {
      unstarted.addAll(pool.shutdownNow());
      pool.close();
    }
    for (WorkerPool.Job<?> job : unstarted) {
      ((Upload) job.task()).parkAll();
    }
  }

  /**
   * The pool, for metrics and the progress line.
   *
   * @return the pool
   */
  WorkerPool pool() {
    return pool;
  }

  /** Requests whose payloads were taken. */
  long acceptedRequests() {
    return acceptedRequests.sum();
  }

  /** Payloads taken, over all requests. */
  long acceptedPayloads() {
    return acceptedPayloads.sum();
  }

  /** Payloads written to storage. */
  long stored() {
    return stored.sum();
  }

  /** Payloads written to the parking directory instead. */
  long parked() {
    return parked.sum();
  }
}
