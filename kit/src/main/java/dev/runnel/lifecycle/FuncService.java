package dev.runnel.lifecycle;

import dev.runnel.context.Context;

/** {@link Service#of}: a service made of two functions. */
record FuncService(String name, Hook start, Hook stop) implements Service {

  @Override
  public void start(Context ctx) throws Exception {
    start.run(ctx);
  }

  @Override
  public void stop(Context ctx) throws Exception {
    stop.run(ctx);
  }

  @Override
  public String toString() {
    return "Service[" + name + "]";
  }
}
