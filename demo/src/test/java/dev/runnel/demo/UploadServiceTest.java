package dev.runnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnel.context.CancelContext;
import dev.runnel.context.Context;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The upload pool's accounting: every accepted payload ends as exactly one file. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UploadServiceTest {

  @TempDir Path dir;

  private static List<byte[]> payloads(String... texts) {
    return Arrays.stream(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  @Test
  void aDrainThatCompletesStoresEverything() throws Exception {
    FileStorage store = new FileStorage(dir.resolve("payloads"));
    FileStorage parking = new FileStorage(dir.resolve("parked"));
    UploadService uploads = new UploadService(2, 10, new StorageGuard().policy(), store, parking);
    for (int i = 0; i < 5; i++) {
      assertThat(uploads.tryAccept(payloads("{\"a\":1}", "{\"b\":2}"))).isPositive();
    }
    uploads.stop(Context.background());
    assertThat(uploads.acceptedPayloads()).isEqualTo(10);
    assertThat(store.count()).isEqualTo(10);
    assertThat(parking.count()).isZero();
    assertThat(uploads.tryAccept(payloads("{}"))).as("refused once stopped").isEqualTo(-1);
  }

  @Test
  void aFullPoolRefusesAndTakesNothing() throws Exception {
    FileStorage store = new FileStorage(dir.resolve("payloads"));
    GatedStorage gate = new GatedStorage(store);
    UploadService uploads = new UploadService(1, 1, new StorageGuard().policy(), gate,
        new FileStorage(dir.resolve("parked")));
    assertThat(uploads.tryAccept(payloads("1"))).isPositive();
    assertThat(uploads.tryAccept(payloads("2"))).isPositive();
    assertThat(uploads.tryAccept(payloads("3", "4"))).isEqualTo(-1);
    assertThat(uploads.acceptedPayloads()).isEqualTo(2);
    gate.open();
    uploads.stop(Context.background());
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  void aShutdownPastItsDeadlineParksWhatItCouldNotStore() throws Exception {
    FileStorage store = new FileStorage(dir.resolve("payloads"));
    FileStorage parking = new FileStorage(dir.resolve("parked"));
    GatedStorage gate = new GatedStorage(store); // never opened: storage is down for good
    UploadService uploads = new UploadService(1, 3, new StorageGuard().policy(), gate, parking);
    for (int i = 0; i < 3; i++) {
      assertThat(uploads.tryAccept(payloads("x" + i, "y" + i))).isPositive();
    }
    CancelContext deadline = Context.withCancel(Context.background());
    deadline.cancel(); // the shutdown's deadline has already passed
    uploads.stop(deadline);

    assertThat(uploads.acceptedPayloads()).isEqualTo(6);
    assertThat(store.count()).isZero();
    assertThat(parking.count()).isEqualTo(6);
    assertThat(uploads.parked()).isEqualTo(6);
    assertThat(uploads.pool().isTerminated()).isTrue();
  }
}
