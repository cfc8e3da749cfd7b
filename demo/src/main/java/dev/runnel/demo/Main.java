package dev.runnel.demo;

/** Placeholder: the demo is being built. */
public final class Main {
  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println("Jetty " + org.eclipse.jetty.util.Jetty.VERSION + ", Jackson "
        + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
  }
}
