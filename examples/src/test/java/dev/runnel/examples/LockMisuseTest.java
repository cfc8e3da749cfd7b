package dev.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each lock mistake shows its symptom, and each fix works. */
class LockMisuseTest {

  @Test
  @Timeout(60)
  void eachMistakeShowsItsSymptomAndEachFixWorks() throws Exception {
    List<String> out = ProgramOutput.of(() -> LockMisuse.main(new String[0]));

    assertLinesMatch(
        List.of(
            "1. withdraw failed: insufficient funds",
            "   next lock within 100 ms? false",
            "   with hold\\(\\): withdraw failed, and the mutex is Mutex\\[unlocked.*",
            "2. second unlock: sync: unlock of unlocked mutex",
            "3. relock from the holder within 100 ms? false",
            "   ReentrantMutex held 2 times by its owner",
            "4. wg.go: await returned after all 3 goroutines"),
        out);
  }
}
