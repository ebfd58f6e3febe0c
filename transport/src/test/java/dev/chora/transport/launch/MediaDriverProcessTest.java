package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.CncFileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaDriverProcessTest {

  @TempDir Path dir;

  @Test
  void twoDriversRunSideBySideInFreshDirectoriesAndCleanUp() throws Exception {
    Path first;
    Path second;
    try (MediaDriverProcess a = MediaDriverProcess.start(dir.resolve("a.log"));
        MediaDriverProcess b = MediaDriverProcess.start(dir.resolve("b.log"))) {
      first = a.aeronDirectory();
      second = b.aeronDirectory();
      assertNotEquals(first, second);
      assertTrue(first.getFileName().toString().startsWith(MediaDriverProcess.DIRECTORY_PREFIX));
      assertEquals(MediaDriverProcess.baseDirectory(), first.getParent());
      assertTrue(Files.exists(first.resolve(CncFileDescriptor.CNC_FILE)));
      assertTrue(a.isAlive() && b.isAlive());
      String report = a.trafficReport();
      assertTrue(report.startsWith("0 MiB sent, 0 NAKs sent, 0 retransmits (0 KiB)") && report.endsWith(" 0 errors"),
          "a fresh driver has sent and lost nothing: " + report);
      assertEquals(MediaDriverProcess.Idle.DEFAULT, a.idle());
      assertTrue(a.cpuSeconds() >= 0);
      List<String> cmd = ProcessHandle.of(a.process().pid()).orElseThrow().info().arguments()
          .map(List::of).orElse(List.of());
      if (!cmd.isEmpty()) {
        assertTrue(cmd.contains("-Daeron.threading.mode=SHARED"), cmd.toString());
        assertTrue(cmd.contains("-D" + DriverIdleStrategy.PROPERTY + "=" + MediaDriverProcess.Idle.DEFAULT.property()));
      }
      a.close();
      assertFalse(a.isAlive());
      assertFalse(Files.exists(first), "directory removed on close");
      assertTrue(b.isAlive(), "closing one driver leaves the other");
    }
    assertFalse(Files.exists(second));
  }

  @Test
  void idleParametersRoundTripAndAreChecked() {
    MediaDriverProcess.Idle idle = new MediaDriverProcess.Idle(1, 2, 3, 4);
    assertEquals(idle, MediaDriverProcess.Idle.parse(idle.property()));
    assertEquals(idle, MediaDriverProcess.Idle.parse(" 1, 2 ,3,4"));
    assertThrows(IllegalArgumentException.class, () -> MediaDriverProcess.Idle.parse("1,2,3"));
    assertThrows(IllegalArgumentException.class, () -> new MediaDriverProcess.Idle(1, 1, 10, 5));
  }

  @Test
  void staleDirectoriesAreSweptAndLiveOnesKept() throws Exception {
    Path old = Files.createDirectory(dir.resolve(MediaDriverProcess.DIRECTORY_PREFIX + "old"));
    Files.writeString(old.resolve("leftover"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));
    Path young = Files.createDirectory(dir.resolve(MediaDriverProcess.DIRECTORY_PREFIX + "young"));
    Path foreign = Files.createDirectory(dir.resolve("someone-else"));
    Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minusSeconds(3600)));

    MediaDriverProcess.sweepStaleDirectories(dir);

    assertFalse(Files.exists(old), "an old directory without a live driver goes");
    assertTrue(Files.exists(young), "a fresh directory may be a driver still starting");
    assertTrue(Files.exists(foreign), "only our own prefix is touched");
  }

  /**
   * A driver stopped during its start leaves a CnC file whose version was never written; Aeron's
   * liveness check waits for it for the whole timeout, so the sweep must judge it by age at once.
   */
  @Test
  void anUninitialisedCncFileIsJudgedByAgeWithoutWaiting() throws Exception {
    Path old = Files.createDirectory(dir.resolve(MediaDriverProcess.DIRECTORY_PREFIX + "halted"));
    Path oldCnc = Files.write(old.resolve(CncFileDescriptor.CNC_FILE), new byte[CncFileDescriptor.META_DATA_LENGTH * 2]);
    Files.setLastModifiedTime(oldCnc, FileTime.from(Instant.now().minusSeconds(3600)));
    assertFalse(MediaDriverProcess.cncInitialised(oldCnc), "its version was never written");
    Path young = Files.createDirectory(dir.resolve(MediaDriverProcess.DIRECTORY_PREFIX + "starting"));
    Files.write(young.resolve(CncFileDescriptor.CNC_FILE), new byte[16]);

    long started = System.nanoTime();
    MediaDriverProcess.sweepStaleDirectories(dir);
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertTrue(tookMs < 5_000, "the sweep took " + tookMs + " ms");
    assertFalse(Files.exists(old), "an old, never initialised driver directory goes");
    assertTrue(Files.exists(young), "a young one may be a driver still starting");
  }
}
