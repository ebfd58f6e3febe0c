package dev.chora.transport.launch;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;

/**
 * The child of {@link SharedPublicationStallTest}: a node frozen in the middle of sending. It
 * claims space for a message in a publication of the shared driver and never commits it, as a
 * node killed or paused between Aeron's claim and commit leaves it.
 *
 * <p>Arguments: the driver's directory, the channel, the stream id.
 */
public final class ClaimAndHang {
  private ClaimAndHang() {}

  public static void main(String[] args) throws Exception {
    Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
    Publication publication = aeron.addPublication(args[1], Integer.parseInt(args[2]));
    while (!publication.isConnected()) {
      Thread.sleep(10);
    }
    BufferClaim claim = new BufferClaim();
    while (publication.tryClaim(64, claim) < 0) {
      Thread.sleep(1);
    }
    System.out.println("claimed session=" + publication.sessionId());
    Thread.sleep(Long.MAX_VALUE);
  }
}
