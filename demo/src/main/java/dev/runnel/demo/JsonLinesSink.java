package dev.runnel.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runnel.context.Context;
import dev.runnel.report.EventSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * An event sink that appends each event as one JSON line to a file. A batch is written with one
 * append, so a failed delivery writes nothing (and a delivered batch's lines are all there).
 */
final class JsonLinesSink implements EventSink<AnalyticsEvent> {

  private final Path file;
  private final ObjectMapper json;
  /** Keeps appends whole when more than one sender delivers. */
  private final ReentrantLock appending = new ReentrantLock();

  /** A sink that starts {@code file} empty and appends to it. */
  JsonLinesSink(Path file, ObjectMapper json) throws IOException {
    this.file = Objects.requireNonNull(file, "file");
    this.json = Objects.requireNonNull(json, "json");
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file);
  }

  @Override
  public void deliver(Context ctx, List<? extends AnalyticsEvent> batch) throws IOException {
    StringBuilder lines = new StringBuilder(batch.size() * 96);
    for (AnalyticsEvent e : batch) {
      lines.append(json.writeValueAsString(e)).append('\n');
    }
    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    appending.lock();
    try {
      Files.write(file, bytes, StandardOpenOption.APPEND);
    } finally {
      appending.unlock();
    }
  }

  /**
   * The lines in the file, counted on disk.
   *
   * @return the number of lines
   * @throws IOException if the file cannot be read
   */
  long countLines() throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  /**
   * The file.
   *
   * @return its path
   */
  Path file() {
    return file;
  }
}
