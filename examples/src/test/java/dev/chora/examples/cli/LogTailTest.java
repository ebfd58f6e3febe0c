package dev.chora.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
  @TempDir
  Path dir;

  @Test
  void returnsOnlyCompleteLinesAsTheFileGrows() throws Exception {
    Path f = dir.resolve("x.log");
    Files.writeString(f, "first\nsec");
    try (LogTail tail = new LogTail(f)) {
      assertEquals("first", tail.nextLine());
      assertNull(tail.nextLine(), "a line being written is held back");
      Files.writeString(f, "ond\nthird ü\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      assertEquals("second", tail.nextLine());
      assertEquals("third ü", tail.nextLine());
      assertNull(tail.nextLine());
      assertTrue(tail.last(2).contains("second") && tail.last(2).contains("third"));
    }
  }
}
