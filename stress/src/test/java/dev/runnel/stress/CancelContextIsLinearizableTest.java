package dev.runnel.stress;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * One cancellable context, as seen through its {@code err()}, {@code cause()}, {@code done()} and
 * the children made from it, is linearizable with respect to {@link Spec}: a cause that the first
 * cancellation sets, whether it comes from the context's own {@code cancel(cause)} or from its
 * parent's; a child made after the cancellation is born cancelled, one made before is not.
 *
 * <p>The context under test is {@code child}, made by {@code withCancel(root)}; {@code
 * cancelRoot()} cancels its parent. Why only one context is observed: cancelling a context is
 * atomic for that context (its {@code err} write is the linearization point, and a child added
 * after it is cancelled by {@code add}), but it reaches the descendants one after another, after
 * its own {@code err} is set, as Go's {@code cancelCtx} does for {@code Done()}. An observer that
 * looks at two contexts in turn can see the parent cancelled and the child not yet, which no
 * sequential order of atomic "cancel the subtree" steps allows, so a whole tree is not
 * linearizable against such a specification. What the tree does guarantee (a subtree is cancelled,
 * never its ancestors, children are born cancelled, err and cause are consistent) is checked on
 * random trees by {@link CancellationTreeUnderRandomInterleavingsTest}.
 *
 * <p>Two restrictions keep the passing tests to what holds today, each shown by a disabled test:
 * {@code cancelRoot} runs in one thread at a time (a non-parallel group), because a {@code cancel}
 * that finds the root already cancelled returns while the first one may still be on its way to
 * the child ({@link #concurrentRootCancelsModelChecking}); and {@code err()}/{@code cause()} are
 * not mixed with {@code done()} in one scenario, because {@code err()} is set a moment before
 * {@code done()} closes ({@link #errAndDoneAgreeModelChecking}).
 */
class CancelContextIsLinearizableTest {

  /** The contexts and every operation; the Lincheck classes below pick theirs. */
  static class Subject {
    private final CancelContext root = Context.withCancel(Context.background());
    private final CancelContext child = Context.withCancel(root);

    void cancelRoot() {
      root.cancel(new IllegalStateException("root"));
    }

    void cancel(int k) {
      child.cancel(new IllegalStateException("child-" + k));
    }

    String err() {
      return child.err() == null ? null : child.err().getClass().getSimpleName();
    }

    String cause() {
      Throwable c = child.cause();
      return c == null ? null : c.getMessage();
    }

    boolean isDone() {
      return child.done().tryReceive() != null;
    }

    /** Makes a child of the context; true if it was born cancelled. */
    boolean createChild() {
      return Context.withCancel(child).err() != null;
    }
  }

  /** Cancels, err, cause and children; root cancels from one thread at a time. */
  @Param(name = "k", gen = IntGen.class, conf = "1:2")
  public static class ErrOps {
    final Subject s = new Subject();

    @Operation(nonParallelGroup = "root")
    public void cancelRoot() {
      s.cancelRoot();
    }

    @Operation
    public void cancel(@Param(name = "k") int k) {
      s.cancel(k);
    }

    @Operation
    public String err() {
      return s.err();
    }

    @Operation
    public String cause() {
      return s.cause();
    }

    @Operation
    public boolean createChild() {
      return s.createChild();
    }
  }

  /** Cancels and done(); root cancels from one thread at a time. */
  @Param(name = "k", gen = IntGen.class, conf = "1:2")
  public static class DoneOps {
    final Subject s = new Subject();

    @Operation(nonParallelGroup = "root")
    public void cancelRoot() {
      s.cancelRoot();
    }

    @Operation
    public void cancel(@Param(name = "k") int k) {
      s.cancel(k);
    }

    @Operation
    public boolean isDone() {
      return s.isDone();
    }
  }

  /** As {@link ErrOps}, with the root cancelled from any thread. */
  @Param(name = "k", gen = IntGen.class, conf = "1:2")
  public static class RacingRootOps {
    final Subject s = new Subject();

    @Operation
    public void cancelRoot() {
      s.cancelRoot();
    }

    @Operation
    public String err() {
      return s.err();
    }

    @Operation
    public String cause() {
      return s.cause();
    }
  }

  /** The context's own cancel, err() and done() together. */
  @Param(name = "k", gen = IntGen.class, conf = "1:2")
  public static class ErrAndDoneOps {
    final Subject s = new Subject();

    @Operation
    public void cancel(@Param(name = "k") int k) {
      s.cancel(k);
    }

    @Operation
    public String err() {
      return s.err();
    }

    @Operation
    public boolean isDone() {
      return s.isDone();
    }
  }

  /** The sequential specification: the cause the first cancellation set, null while live. */
  public static class Spec {
    private String cause;

    public void cancelRoot() {
      if (cause == null) {
        cause = "root";
      }
    }

    public void cancel(int k) {
      if (cause == null) {
        cause = "child-" + k;
      }
    }

    public String err() {
      return cause == null ? null : "ContextCanceledException";
    }

    public String cause() {
      return cause;
    }

    public boolean isDone() {
      return cause != null;
    }

    public boolean createChild() {
      return cause != null;
    }
  }

  @Test
  void errCauseAndChildrenModelChecking() {
    LincheckBudget.modelCheck(ErrOps.class, Spec.class);
  }

  @Test
  void errCauseAndChildrenStress() {
    LincheckBudget.stress(ErrOps.class, Spec.class);
  }

  @Test
  void doneModelChecking() {
    LincheckBudget.modelCheck(DoneOps.class, Spec.class);
  }

  @Test
  void doneStress() {
    LincheckBudget.stress(DoneOps.class, Spec.class);
  }

  /**
   * Lincheck's counterexample: thread 2 cancels the root and is about to cancel the child; thread
   * 1 cancels the root (already cancelled: returns at once), then sees the child's {@code err()}
   * null, although a cancellation of its parent has returned.
   */
  @Test
  void concurrentRootCancelsModelChecking() {
    LincheckBudget.modelCheck(RacingRootOps.class, Spec.class);
  }

  /**
   * Lincheck's counterexample: {@code cause()} (or {@code err()}) returns non-null in one thread,
   * and a {@code tryReceive} on {@code done()} that starts after it finds the channel open.
   */
  @Test
  void errAndDoneAgreeModelChecking() {
    LincheckBudget.modelCheck(ErrAndDoneOps.class, Spec.class);
  }
}
