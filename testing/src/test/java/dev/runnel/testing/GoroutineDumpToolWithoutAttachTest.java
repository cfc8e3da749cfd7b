package dev.runnel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The testing module resolves on a runtime without {@code jdk.attach} (a jlink image, here
 * imitated with {@code --limit-modules}), and there {@link GoroutineDumpTool} alone fails, with a
 * sentence and exit status 3.
 */
class GoroutineDumpToolWithoutAttachTest {

  @Test
  @Timeout(120)
  void theModuleResolvesAndTheToolSaysWhatIsMissing() throws Exception {
    List<String> modulePath = new ArrayList<>();
    for (String entry :
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .split(File.pathSeparator)) {
      String name = Path.of(entry).toString();
      boolean ours =
          name.contains("testing" + File.separator + "target" + File.separator + "classes")
          || name.contains("core" + File.separator + "target" + File.separator + "classes")
          || name.matches(".*runnel-core-[^/\\\\]*\\d\\.jar$")
          || name.matches(".*runnel-core-[^/\\\\]*SNAPSHOT\\.jar$");
      boolean junitApi = name.matches(".*(junit-jupiter-api|junit-platform-commons|opentest4j"
          + "|apiguardian-api)-[^/\\\\]*\\.jar$");
      if (ours || junitApi) {
        modulePath.add(entry);
      }
    }
    Path output = Files.createTempFile("dump-tool", ".out");
    try {
      Process java =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // Java SE (no jdk.* module) and the module path's modules
                  "--limit-modules",
                  "java.se,dev.runnel.core,dev.runnel.testing,org.junit.jupiter.api,"
                      + "org.junit.platform.commons,org.opentest4j,org.apiguardian.api",
                  "-p",
                  String.join(File.pathSeparator, modulePath),
                  "-m",
                  "dev.runnel.testing/dev.runnel.testing.GoroutineDumpTool",
                  "12345")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      assertThat(java.waitFor(60, TimeUnit.SECONDS)).as("the tool ended").isTrue();
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(printed)
          .as("module path %s", modulePath)
          .contains("GoroutineDumpTool needs the jdk.attach module")
          .doesNotContain("Exception");
      assertThat(java.exitValue()).isEqualTo(3);
    } finally {
      Files.delete(output);
    }
  }
}
