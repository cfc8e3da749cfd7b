package dev.runnel.debug;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One goroutine in a {@link GoroutineDump}: what Go's traceback says about it, as data.
 *
 * @param id the goroutine id ({@code Go.goroutineId()}), or -1 for a thread that is not a goroutine
 *     (the main thread in a deadlock report)
 * @param name the thread name
 * @param state Go's wait reason ({@code chan receive}, {@code sync.Mutex.Lock}, {@code select},
 *     {@code semacquire}, {@code sleep}, ...) for a goroutine blocked in Runnel; {@code running} for
 *     one that runs (or is ready to, or is inside a Runnel object's short critical section); for
 *     one blocked outside Runnel, {@code sleep} ({@code Thread.sleep}), {@code monitor enter} (a
 *     {@code synchronized} block) or {@code waiting} (any other park, such as a JDK lock or
 *     blocking queue: {@code waitingOn} then names the JDK's blocker)
 * @param waiting how long it has been blocked in that state; {@link Duration#ZERO} when running
 * @param waitingOn what it waits on ({@code chan[0/1]@1b6d3586}, {@code Mutex[locked,
 *     waiters=2]@...}, a select's cases), or {@code null}
 * @param createdBy the name of the thread that started it ({@code goroutine-1}, {@code main})
 * @param creationStack the stack of the {@code Go.go} call; empty unless creation stacks are
 *     recorded ({@link GoroutineDump#recordCreationStacks})
 * @param stack its stack, innermost frame first, without the JDK's and Runnel's internal frames at
 *     either end
 */
public record GoroutineInfo(
    long id,
    String name,
    String state,
    Duration waiting,
    String waitingOn,
    String createdBy,
    List<StackTraceElement> creationStack,
    List<StackTraceElement> stack) {

  /** Checks the components and copies the lists. */
  public GoroutineInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(waiting, "waiting");
    Objects.requireNonNull(createdBy, "createdBy");
    creationStack = List.copyOf(creationStack);
    stack = List.copyOf(stack);
  }

  /**
   * The innermost frame of {@link #stack()}, for ignore rules.
   *
   * @return the top frame as {@code class.method}, or the empty string for an empty stack
   */
  public String topFunction() {
    return stack.isEmpty() ? "" : stack.get(0).getClassName() + "." + stack.get(0).getMethodName();
  }

  /**
   * Whether any frame of the stack is in {@code function} ({@code class.method}, or a prefix of
   * it ending in a dot, such as a package).
   *
   * @param function a fully qualified {@code class.method}, class or package
   * @return true if a frame matches
   */
  public boolean stackContains(String function) {
    for (StackTraceElement f : stack) {
      String fn = f.getClassName() + "." + f.getMethodName();
      if (fn.equals(function) || fn.startsWith(function.endsWith(".") ? function : function + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * This goroutine in Go's traceback shape (see {@link GoroutineDump}).
   *
   * @return the text, ending with a newline
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(id >= 0 ? "goroutine " + id : "thread \"" + name + "\"").append(" [").append(state);
    long seconds = waiting.toSeconds();
    if (seconds >= 60) {
      sb.append(", ").append(seconds / 60).append(" minutes"); // Go says "1 minutes" too
    } else if (seconds >= 1) {
      sb.append(", ").append(seconds).append(seconds == 1 ? " second" : " seconds");
    }
    sb.append("]:\n");
    if (waitingOn != null) {
      sb.append("\twaiting on ").append(waitingOn).append('\n');
    }
    for (StackTraceElement f : stack) {
      sb.append("\tat ").append(f).append('\n');
    }
    if (id >= 0) {
      sb.append("created in ").append(ThreadInspector.label(createdBy)).append('\n');
      for (StackTraceElement f : creationStack) {
        sb.append("\tat ").append(f).append('\n');
      }
    }
    return sb.toString();
  }
}
