/**
 * Runnel's Micrometer binding: goroutines, worker pools, rate limiters and event reporters as
 * meters, so an application that has a Micrometer registry (Spring Boot, Helidon, Quarkus) sees
 * them next to its own.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.runnel.micrometer {
  requires transitive dev.runnel.kit;
  requires transitive micrometer.core;

  exports dev.runnel.micrometer;
}
