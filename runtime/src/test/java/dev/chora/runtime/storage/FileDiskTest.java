package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real directory: file operations, the data-directory lock and how write failures are reported. */
class FileDiskTest {
  @TempDir
  Path dir;

  @Test
  void fileOperations() throws IOException {
    FileDisk disk = FileDisk.open(dir.resolve("data"));
    try (DiskFile file = disk.create("b")) {
      file.append("hello world".getBytes(StandardCharsets.US_ASCII), 0, 11);
      file.force();
      file.truncate(5);
      assertEquals(5, file.size());
      byte[] read = new byte[5];
      file.read(0, read, 0, 5);
      assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), read);
      assertThrows(IOException.class, () -> file.read(3, new byte[4], 0, 4));
    }
    assertThrows(IOException.class, () -> disk.create("b"));
    disk.create("a").close();
    assertEquals(List.of("a", "b"), disk.list());
    disk.rename("b", "a");
    disk.syncDirectory();
    assertEquals(List.of("a"), disk.list());
    try (DiskFile file = disk.open("a")) {
      assertEquals(5, file.size());
    }
    assertTrue(disk.delete("a"));
    assertTrue(!disk.delete("a"));
  }

  @Test
  void aSecondLockInThisProcessFailsAtOnce() throws IOException {
    FileDisk disk = FileDisk.open(dir);
    Closeable held = disk.lock();
    try {
      DataDirectoryLockedException e = assertThrows(DataDirectoryLockedException.class, () -> FileDisk.open(dir).lock());
      assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
    } finally {
      held.close();
    }
    disk.lock().close();
  }

  @Test
  void aLockHeldByAnotherProcessFailsAtOnceNamingItsPid() throws Exception {
    String classpath = Path.of(FileDisk.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        + java.io.File.pathSeparator
        + Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, LockHolder.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("locked", out.readLine());
      long started = System.nanoTime();
      DataDirectoryLockedException e = assertThrows(DataDirectoryLockedException.class, () -> FileDisk.open(dir).lock());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "fails at once, does not wait");
      assertTrue(e.getMessage().contains("locked by another process (pid " + holder.pid() + ","), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    } finally {
      holder.getOutputStream().close();
      assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
    }
    FileDisk.open(dir).lock().close();
  }

  @Test
  void outOfSpaceAndReadOnlyErrorsAreReportedAsSuch() {
    IOException full = FileDisk.translate(new IOException("No space left on device"), "/data", "appending to x");
    assertEquals(StorageUnwritableException.Kind.DISK_FULL, ((StorageUnwritableException) full).kind());
    assertEquals("stopped acknowledging: disk full at /data (appending to x)", ((StorageUnwritableException) full).stoppedAcknowledging());
    IOException readOnly = FileDisk.translate(new java.nio.file.FileSystemException("/data/x: Read-only file system"), "/data", "creating x");
    assertEquals(StorageUnwritableException.Kind.NOT_WRITABLE, ((StorageUnwritableException) readOnly).kind());
    IOException other = new IOException("Input/output error");
    assertSame(other, FileDisk.translate(other, "/data", "reading x"));
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsNotWritable() throws IOException {
    Path file = Files.createFile(dir.resolve("plain-file"));
    StorageUnwritableException e = assertThrows(StorageUnwritableException.class, () -> FileDisk.open(file));
    assertEquals(StorageUnwritableException.Kind.NOT_WRITABLE, e.kind());
    assertTrue(e.stoppedAcknowledging().contains(file.toString()), e.getMessage());
  }
}
