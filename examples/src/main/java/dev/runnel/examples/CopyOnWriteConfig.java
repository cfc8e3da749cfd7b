package dev.runnel.examples;

import dev.runnel.Channel;
import dev.runnel.Go;
import dev.runnel.atomic.AtomicValue;
import java.time.Duration;
import java.util.Map;

/**
 * The copy-on-write configuration pattern from Go's {@code sync/atomic.Value} documentation:
 * request handlers read the current configuration on every request without locking, while a
 * reloader goroutine builds a new immutable configuration and publishes it with one {@code
 * store}.
 *
 * <p>A handler never sees a half-built configuration: the reloader finishes building before it
 * stores, and the store happens-before every load that returns the new snapshot. Each snapshot
 * carries its version twice (a field and a setting) so the handlers can check that.
 */
public final class CopyOnWriteConfig {

  private CopyOnWriteConfig() {}

  /** An immutable configuration snapshot: never changed once built, only replaced. */
  record Config(int version, Map<String, String> settings) {
    Config {
      settings = Map.copyOf(settings); // a private, unmodifiable copy
    }

    /** Builds the configuration a reload would read from a file or a config service. */
    static Config load(int version) {
      return new Config(version, Map.of(
          "version", Integer.toString(version),
          "timeout", Duration.ofSeconds(version).toString(),
          "greeting", version == 1 ? "hello" : "hello again (v" + version + ")"));
    }

    boolean whole() {
      return settings.get("version").equals(Integer.toString(version));
    }
  }

  public static void main(String[] args) throws InterruptedException {
    System.out.println("Copy-on-write config with AtomicValue (Go's atomic.Value)");
    System.out.println();

    AtomicValue<Config> current = new AtomicValue<>();
    current.store(Config.load(1));

    // The reloader: each message on `reload` asks for a new version; it answers on `reloaded`.
    Channel<Integer> reload = Channel.make();
    Channel<Integer> reloaded = Channel.make();
    Go.go(() -> {
      for (int version : reload) {
        Config next = Config.load(version); // built completely, privately...
        current.store(next);                // ...then published in one atomic step
        reloaded.send(version);
      }
    });

    // Three request handlers: every request loads the current snapshot, no lock taken.
    Channel<Integer> requests = Channel.make();
    Channel<String> summaries = Channel.make();
    int handlers = 3;
    for (int h = 1; h <= handlers; h++) {
      String name = "handler-" + h;
      Go.go(() -> {
        int served = 0;
        int lastVersion = 0;
        for (int request : requests) {
          Config config = current.load();
          if (!config.whole()) {
            throw new IllegalStateException("half-built config: " + config);
          }
          if (config.version() != lastVersion) {
            lastVersion = config.version();
            System.out.printf("  %s: request %2d served with config v%d, timeout %s, \"%s\"%n",
                name, request, lastVersion, config.settings().get("timeout"),
                config.settings().get("greeting"));
          }
          served++;
        }
        summaries.send(name + " served " + served + " requests, last with config v" + lastVersion);
      });
    }

    // Traffic, with a reload every 10 requests.
    for (int request = 1; request <= 30; request++) {
      if (request % 10 == 0) {
        reload.send(request / 10 + 1);
        System.out.println("reloader: stored config v" + reloaded.receive());
      }
      requests.send(request);
    }
    requests.close();
    reload.close();

    System.out.println();
    for (int h = 0; h < handlers; h++) {
      System.out.println(summaries.receive());
    }
    System.out.println("No handler ever saw a half-built configuration.");
  }
}
