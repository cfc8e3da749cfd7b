package dev.runnel.demo;

import dev.runnel.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Storage in a local directory, one file per object. Each object is written to a temporary file
 * and moved into place atomically, so the directory only ever holds whole objects.
 */
public final class FileStorage implements Storage {

  /** The suffix of objects' files; temporary files have another. */
  static final String SUFFIX = ".json";

  private final Path dir;

  /**
   * Storage in {@code dir}, created if missing.
   *
   * @param dir the directory
   * @throws IOException if it cannot be created
   */
  public FileStorage(Path dir) throws IOException {
    this.dir = Files.createDirectories(Objects.requireNonNull(dir, "dir"));
  }

  @Override
  public void write(Context ctx, String name, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(dir, name, ".part");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, dir.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * How many objects the directory holds, counted on disk.
   *
   * @return the number of files
   */
  public long count() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The directory.
   *
   * @return its path
   */
  public Path dir() {
    return dir;
  }
}
