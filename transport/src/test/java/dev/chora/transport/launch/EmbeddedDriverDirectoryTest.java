package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EmbeddedDriverDirectoryTest {
  private static final String DIR = "pekko.remote.artery.advanced.aeron.aeron-dir";

  static Config config(String transport, boolean embedded, String dir) {
    return ConfigFactory.parseString("pekko.remote.artery.transport = " + transport + "\n"
        + "pekko.remote.artery.advanced.aeron.embedded-media-driver = " + embedded + "\n"
        + DIR + " = \"" + dir + "\"\n");
  }

  /** Two nodes never share a directory, and one a killed node left behind is swept by the next. */
  @Test
  void anEmbeddedDriverGetsAFreshSweepableDirectoryAndOldOnesAreSwept() throws Exception {
    Path base = MediaDriverProcess.baseDirectory();
    Path leftover = Files.createDirectory(base.resolve(
        MediaDriverProcess.DIRECTORY_PREFIX + EmbeddedDriverDirectory.EMBEDDED + "test-" + UUID.randomUUID()));
    Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minusSeconds(3600)));

    String first = EmbeddedDriverDirectory.ownDirectory(config("aeron-udp", true, "")).getString(DIR);
    String second = EmbeddedDriverDirectory.ownDirectory(config("aeron-udp", true, "")).getString(DIR);

    assertFalse(first.equals(second), "each node its own directory");
    assertEquals(base, Path.of(first).getParent());
    assertTrue(Path.of(first).getFileName().toString().startsWith(MediaDriverProcess.DIRECTORY_PREFIX), first);
    assertFalse(Files.exists(leftover), "a directory whose driver is gone, left long ago, is swept");
  }

  @Test
  void anythingButAnEmbeddedDriverInPekkosDefaultPlaceIsLeftAlone() {
    for (Config c : new Config[] {config("tcp", true, ""), config("aeron-udp", false, ""),
        config("aeron-udp", true, "/some/where")}) {
      assertEquals(c.getString(DIR), EmbeddedDriverDirectory.ownDirectory(c).getString(DIR));
    }
  }
}
