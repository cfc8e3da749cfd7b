package dev.runnel.internal;

/** Why a goroutine is blocked, with the words Go's tracebacks use. */
public enum WaitReason {
  CHAN_RECEIVE("chan receive"),
  CHAN_SEND("chan send"),
  CHAN_RECEIVE_NIL("chan receive (nil chan)"),
  SELECT("select"),
  SELECT_NO_CASES("select (no cases)"),
  MUTEX_LOCK("sync.Mutex.Lock"),
  RW_MUTEX_LOCK("sync.RWMutex.Lock"),
  RW_MUTEX_READ_LOCK("sync.RWMutex.RLock"),
  WAIT_GROUP("sync.WaitGroup.Wait"),
  COND_WAIT("sync.Cond.Wait"),
  SEMACQUIRE("semacquire"),
  SLEEP("sleep");

  private final String goName;

  WaitReason(String goName) {
    this.goName = goName;
  }

  /** The wait reason as Go prints it in a goroutine traceback. */
  public String goName() {
    return goName;
  }
}
