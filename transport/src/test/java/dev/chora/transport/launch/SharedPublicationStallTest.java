package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared driver's one hazard, shown on Aeron itself (docs/transport.md): every client of the
 * driver sending on one channel and stream writes into one shared publication, so a client that
 * dies between claiming space and committing it stops everybody's messages to that destination
 * until the driver unblocks the publication after {@link MediaDriverProcess.Timeouts#publicationUnblock()}.
 * Artery sends each stream to a node on exactly such a channel, so three nodes on one host share
 * their publications to the fourth.
 */
class SharedPublicationStallTest {

  private static final int STREAM = 3; // Artery's large-message stream, which carries the replicas' traffic

  @TempDir Path dir;

  @Test
  void aClientKilledMidSendStallsTheOthersToThatDestinationUntilTheDriverUnblocksIt() throws Exception {
    MediaDriverProcess.Timeouts timeouts = new MediaDriverProcess.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3));
    try (MediaDriverProcess driver = MediaDriverProcess.start(dir.resolve("driver.log"), MediaDriverProcess.Idle.DEFAULT,
            timeouts);
        Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectory().toString()))) {
      String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
      Subscription destination = aeron.addSubscription(channel, STREAM);
      JvmProcess frozen = JvmProcess.builder(ClaimAndHang.class.getName())
          .name("claim-and-hang")
          .jvmOptions(TestMain.LIGHT_JVM)
          .args(driver.aeronDirectory().toString(), channel, Integer.toString(STREAM))
          .logFile(dir.resolve("claim.log"))
          .start();
      try {
        frozen.awaitLogLine("claimed", Duration.ofSeconds(60));
        int frozenSession = Integer.parseInt(Files.readString(frozen.logFile()).replaceAll("(?s).*claimed session=(-?\\d+).*", "$1"));
        frozen.kill();

        Publication mine = aeron.addPublication(channel, STREAM);
        assertEquals(frozenSession, mine.sessionId(), "the driver shares one publication per channel and stream among its clients");
        byte[] text = "after the claim".getBytes(StandardCharsets.US_ASCII);
        UnsafeBuffer message = new UnsafeBuffer(text);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (mine.offer(message) < 0) {
          assertTrue(System.nanoTime() < deadline, "could not write behind the open claim");
          Thread.sleep(1);
        }
        long offeredAt = System.nanoTime();
        AtomicLong arrivedAt = new AtomicLong();
        long giveUp = offeredAt + timeouts.publicationUnblock().plusSeconds(10).toNanos();
        while (arrivedAt.get() == 0 && System.nanoTime() < giveUp) {
          destination.poll((buffer, offset, length, header) -> {
            if (length == text.length) {
              arrivedAt.set(System.nanoTime());
            }
          }, 10);
          Thread.sleep(1);
        }
        assertTrue(arrivedAt.get() != 0, "the driver never unblocked the publication");
        Duration stall = Duration.ofNanos(arrivedAt.get() - offeredAt);
        System.out.println("a message written behind a dead client's open claim arrived after " + stall.toMillis()
            + " ms (publication unblock timeout " + timeouts.publicationUnblock().toMillis() + " ms)");
        // Without the open claim a message crosses the loopback in well under a millisecond.
        assertTrue(stall.compareTo(Duration.ofSeconds(1)) > 0, "delivered after " + stall.toMillis()
            + " ms: the open claim should have held it back");
        // The driver checks once a second; the claim was opened before this message was written.
        assertTrue(stall.compareTo(timeouts.publicationUnblock().plusSeconds(2)) < 0, "delivered only after "
            + stall.toMillis() + " ms, past the unblock timeout " + timeouts.publicationUnblock());
        assertEquals(1, driver.unblockedPublications());
      } finally {
        frozen.close();
      }
    }
  }

  @Test
  void timeoutsThatAeronWouldRefuseAreRejectedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MediaDriverProcess.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("must exceed the client liveness timeout"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new MediaDriverProcess.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(3)));
    assertEquals(Duration.ofSeconds(11), MediaDriverProcess.Timeouts.DEFAULT.publicationUnblock());
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
