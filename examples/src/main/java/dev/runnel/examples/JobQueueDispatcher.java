package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.Select;
import dev.runnel.SelectExpression;
import dev.runnel.sync.WaitGroup;
import dev.runnel.workerpool.WorkerPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two-tier job queue of the classic "handling a million requests per minute" article, written
 * with Runnel's channels and select: handlers push jobs onto a buffered job queue; a dispatcher
 * takes each job and hands it to an idle worker; every worker, when idle, registers its own job
 * channel in a channel of job channels (the "worker pool"), so the dispatcher receives from that
 * channel to find an idle worker. A quit channel stops the workers.
 *
 * <p>Then the same work through {@link WorkerPool}, the production form of the pattern: the
 * registration dance is what its internal queue and on-demand workers make unnecessary, and it
 * adds backpressure, results, metrics and a shutdown that loses nothing.
 */
public final class JobQueueDispatcher {

  private static final int MAX_WORKERS = 4;
  private static final int MAX_QUEUE = 16;
  private static final int JOBS = 100;

  private JobQueueDispatcher() {}

  /** A job: a payload to "upload". */
  record Job(int payload) {}

  public static void main(String[] args) throws Exception {
    AtomicInteger uploaded = new AtomicInteger();
    handWritten(uploaded);
    System.out.println("dispatcher: " + uploaded.get() + " of " + JOBS + " payloads uploaded");

    AtomicInteger pooled = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.create(MAX_WORKERS, MAX_QUEUE)) {
      for (int i = 0; i < JOBS; i++) {
        int payload = i;
        pool.go(() -> upload(new Job(payload), pooled)); // blocks while the queue is full
      }
    } // close(): every queued job runs before it returns
    System.out.println("worker pool: " + pooled.get() + " of " + JOBS + " payloads uploaded");
  }

  private static void handWritten(AtomicInteger uploaded) throws InterruptedException {
    Channel<Job> jobQueue = Channel.make(MAX_QUEUE);
    Channel<Channel<Job>> workerPool = Channel.make(MAX_WORKERS);
    Channel<Boolean> quit = Channel.make();
    WaitGroup done = new WaitGroup();
    WaitGroup workers = new WaitGroup();

    for (int w = 0; w < MAX_WORKERS; w++) {
      Channel<Job> jobChannel = Channel.make();
      workers.go(
          () -> {
            SelectExpression<Boolean> work =
                Select.<Boolean>expression()
                    .onReceive(
                        jobChannel,
                        job -> {
                          upload(job, uploaded);
                          done.done();
                          return true;
                        })
                    .onReceive(quit, stop -> false);
            do {
              workerPool.send(jobChannel); // register: this worker is idle
            } while (work.run());
          });
    }

    Go.go( // the dispatcher: each job to the next idle worker
        () -> {
          for (Job job : jobQueue) {
            Channel<Job> idle = workerPool.receive();
            idle.send(job);
          }
        });

    for (int i = 0; i < JOBS; i++) { // the handlers
      done.add(1);
      jobQueue.send(new Job(i));
    }
    done.await(); // every job uploaded
    jobQueue.close(); // the dispatcher returns
    quit.close(); // the workers return
    workers.await();
  }

  private static void upload(Job job, AtomicInteger uploaded) {
    if (job.payload() >= 0) {
      uploaded.incrementAndGet();
    }
  }
}
