package dev.runnel.examples;

/** Placeholder demo; replaced below. */
public final class Demo {
  public static void main(String[] args) {}
}
