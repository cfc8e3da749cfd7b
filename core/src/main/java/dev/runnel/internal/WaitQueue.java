package dev.runnel.internal;

/**
 * A FIFO queue of waiting goroutines: the intrusive doubly linked list of {@link Node}s that
 * {@link Sema} and the weighted semaphore park on. Not thread-safe: its owner guards it (and the
 * links of every node) with its own lock.
 *
 * <p>A node taken off the queue can be put on a private chain of nodes to wake ({@link #chain}),
 * linked through the same field, so that an owner completes waiters under its lock and wakes them
 * after releasing it ({@link #wakeAll}).
 *
 * @param <N> the node type
 */
public final class WaitQueue<N extends WaitQueue.Node> {

  /** One queued goroutine. */
  public abstract static class Node extends Waiter {
    Node prev;
    Node next;
    /** True while the node is in its queue. */
    boolean linked;

    /** Creates a node for the current thread, not queued. */
    protected Node() {}
  }

  private Node head;
  private Node tail;

  /**
   * The longest-queued node.
   *
   * @return the first node, or null if the queue is empty
   */
  @SuppressWarnings("unchecked")
  public N first() {
    return (N) head;
  }

  /**
   * Whether no node is queued.
   *
   * @return true if the queue is empty
   */
  public boolean isEmpty() {
    return head == null;
  }

  /**
   * The number of queued nodes, by walking them; for descriptions.
   *
   * @return how many nodes are queued
   */
  public int size() {
    int n = 0;
    for (Node x = head; x != null; x = x.next) {
      n++;
    }
    return n;
  }

  /**
   * Queues {@code n} at the tail, or at the head.
   *
   * @param n a node that is not queued
   * @param atHead whether to queue it first (a waiter that was woken and lost its race)
   */
  public void add(N n, boolean atHead) {
    n.linked = true;
    if (head == null) {
      head = tail = n;
    } else if (atHead) {
      n.next = head;
      head.prev = n;
      head = n;
    } else {
      n.prev = tail;
      tail.next = n;
      tail = n;
    }
  }

  /**
   * Takes {@code n} off the queue if it is on it.
   *
   * @param n a node of this queue
   */
  public void remove(N n) {
    if (!n.linked) {
      return;
    }
    n.linked = false;
    Node p = n.prev;
    Node s = n.next;
    if (p == null) {
      head = s;
    } else {
      p.next = s;
    }
    if (s == null) {
      tail = p;
    } else {
      s.prev = p;
    }
    n.prev = n.next = null;
  }

  /**
   * Puts a node taken off the queue at the front of a chain of nodes to wake.
   *
   * @param <N> the node type
   * @param n a node that is not queued
   * @param chain the chain so far, or null
   * @return the new chain
   */
  public static <N extends Node> N chain(N n, N chain) {
    n.next = chain;
    return n;
  }

  /**
   * The length of a chain.
   *
   * @param chain a chain made by {@link #chain}, or null
   * @return how many nodes it holds
   */
  public static int length(Node chain) {
    int n = 0;
    for (Node x = chain; x != null; x = x.next) {
      n++;
    }
    return n;
  }

  /**
   * Wakes every node of a chain, unlinking the chain as it goes; call without the owner's lock.
   *
   * @param chain a chain made by {@link #chain}, or null
   */
  public static void wakeAll(Node chain) {
    while (chain != null) {
      Node next = chain.next;
      chain.next = null;
      chain.wake();
      chain = next;
    }
  }
}
