package dev.runnel.stress;

import dev.runnel.Channel;
import dev.runnel.Received;
import dev.runnel.internal.Access;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * {@code trySend}, {@code tryReceive}, {@code close} and {@code size} are linearizable with
 * respect to {@link ChannelModel}, on unbuffered channels and on channels of capacity 1 and 2.
 *
 * <p>Lincheck's data-structure mode cannot run Java operations that park with nobody to wake them
 * (it reports them as hung; see docs/adr/0003-linearizability-tool.md), so the blocking forms are
 * covered by {@link ChannelBlockingOperationsAreLinearizableTest}. A second {@code close} and a
 * send on a closed channel throw {@link dev.runnel.ChannelClosedException}: a result like any
 * other, compared with the model's.
 */
class ChannelTryOperationsAreLinearizableTest {

  @Param(name = "v", gen = IntGen.class, conf = "1:4")
  public abstract static class TryOps {
    private final Channel<Integer> ch;

    TryOps(int capacity) {
      ch = Channel.make(capacity);
    }

    @Operation
    public boolean trySend(@Param(name = "v") int v) {
      return ch.trySend(v);
    }

    @Operation
    public Received<Integer> tryReceive() {
      return ch.tryReceive();
    }

    @Operation
    public void close() {
      ch.close();
    }

    @Operation
    public int size() {
      return ch.size();
    }

    /** The channel's own invariants hold after every part of every scenario. */
    @Validate
    public void invariantsHold() {
      Access.channels().core(ch).checkInvariants();
    }
  }

  public static class Unbuffered extends TryOps {
    public Unbuffered() {
      super(0);
    }
  }

  public static class CapacityOne extends TryOps {
    public CapacityOne() {
      super(1);
    }
  }

  public static class CapacityTwo extends TryOps {
    public CapacityTwo() {
      super(2);
    }
  }

  public static class UnbufferedSpec extends ChannelModel {
    public UnbufferedSpec() {
      super(0);
    }
  }

  public static class CapacityOneSpec extends ChannelModel {
    public CapacityOneSpec() {
      super(1);
    }
  }

  public static class CapacityTwoSpec extends ChannelModel {
    public CapacityTwoSpec() {
      super(2);
    }
  }

  @Test
  void unbufferedModelChecking() {
    LincheckBudget.modelCheck(Unbuffered.class, UnbufferedSpec.class);
  }

  @Test
  void capacityOneModelChecking() {
    LincheckBudget.modelCheck(CapacityOne.class, CapacityOneSpec.class);
  }

  @Test
  void capacityTwoModelChecking() {
    LincheckBudget.modelCheck(CapacityTwo.class, CapacityTwoSpec.class);
  }

  @Test
  void capacityOneStress() {
    LincheckBudget.stress(CapacityOne.class, CapacityOneSpec.class);
  }

  @Test
  void capacityTwoStress() {
    LincheckBudget.stress(CapacityTwo.class, CapacityTwoSpec.class);
  }
}
