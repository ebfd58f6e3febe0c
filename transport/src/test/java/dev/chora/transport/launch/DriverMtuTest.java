package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.protocol.DataHeaderFlyweight;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared driver sends with the MTU it was started with: what a frame can hold, and how a message arrives. */
class DriverMtuTest {

  private static final int STREAM = 3;
  private static final int MESSAGE_BYTES = 6_000; // a round message under load: several default frames

  @TempDir Path dir;

  @Test
  void aLoopbackDriverCarriesAFewKiBMessageInOneFrame() throws Exception {
    assertEquals(List.of(MESSAGE_BYTES), fragmentsOfOneMessage(MediaDriverProcess.Mtu.LOOPBACK, 65_504));
  }

  @Test
  void aDriverAtAeronsDefaultSplitsItIntoFrames() throws Exception {
    List<Integer> fragments = fragmentsOfOneMessage(MediaDriverProcess.Mtu.AERON_DEFAULT, 1_408);
    assertEquals(5, fragments.size(), fragments.toString());
    assertEquals(MESSAGE_BYTES, fragments.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void anMtuAeronCannotUseIsRefusedWithTheRange() {
    for (String bad : new String[] {"0", "1400", "65536", "-32"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MediaDriverProcess.Mtu.parse(bad));
      assertTrue(e.getMessage().contains("MTU " + bad + " bytes: Aeron needs a multiple of 32 from 64 to 65504"),
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MediaDriverProcess.Mtu.parse("big"));
    assertTrue(e.getMessage().contains("MTU 'big' is not a number of bytes"), e.getMessage());
    assertEquals(new MediaDriverProcess.Mtu(8_192), MediaDriverProcess.Mtu.parse(" 8192 "));
  }

  /** The sizes of the fragments one message arrives in, through a driver started with {@code mtu}. */
  private List<Integer> fragmentsOfOneMessage(MediaDriverProcess.Mtu mtu, int expectedMtu) throws Exception {
    try (MediaDriverProcess driver = MediaDriverProcess.start(dir.resolve("driver-" + mtu.bytes() + ".log"),
            MediaDriverProcess.Idle.DEFAULT, MediaDriverProcess.Timeouts.DEFAULT, mtu);
        Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectory().toString()))) {
      assertEquals(mtu, driver.mtu());
      String channel = "aeron:udp?endpoint=" + ArteryTransport.HOST + ":" + ArteryTransport.freePort();
      Subscription subscription = aeron.addSubscription(channel, STREAM);
      Publication publication = aeron.addPublication(channel, STREAM);
      assertEquals(expectedMtu - DataHeaderFlyweight.HEADER_LENGTH, publication.maxPayloadLength(),
          "the publication's frames are the driver's MTU less the header");
      UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_BYTES]);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (publication.offer(message) < 0) {
        assertTrue(System.nanoTime() < deadline, "the publication never connected");
        Thread.sleep(1);
      }
      List<Integer> fragments = new ArrayList<>();
      while (fragments.stream().mapToInt(Integer::intValue).sum() < MESSAGE_BYTES) {
        assertTrue(System.nanoTime() < deadline, "the message did not arrive: " + fragments);
        if (subscription.poll((buffer, offset, length, header) -> fragments.add(length), 16) == 0) {
          Thread.sleep(1);
        }
      }
      return fragments;
    }
  }
}
