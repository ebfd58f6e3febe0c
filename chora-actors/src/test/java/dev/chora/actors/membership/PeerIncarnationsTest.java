package dev.chora.actors.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class PeerIncarnationsTest {
  static final Address A = new Address("pekko", "chora", "127.0.0.1", 2551);
  static final Address B = new Address("pekko", "chora", "127.0.0.1", 2552);
  static final Address APP = new Address("pekko", "chora", "127.0.0.1", 2600);

  final PeerIncarnations incarnations = new PeerIncarnations(List.of(A, B));

  @Test
  void eventsAreMappedToTheReplicaListedAtTheAddress() {
    assertEquals(1, incarnations.up(B, 7));
    assertEquals(1, incarnations.current(B, 7));
    assertEquals(-1, incarnations.up(APP, 9), "an application node is no replica");
    assertEquals(-1, incarnations.current(APP, 9));
  }

  @Test
  void beforeAnyIncarnationIsSeenUpEveryEventCounts() {
    // A replica that subscribes after a peer died may hear of it unreachable first.
    assertEquals(0, incarnations.current(A, 5));
  }

  /**
   * A replica restarted at the same address: the old incarnation's late unreachability or removal
   * must not mark the new one unreachable.
   */
  @Test
  void eventsAboutAnEarlierIncarnationAreIgnoredOnceTheNewOneIsUp() {
    incarnations.up(A, 5);
    assertEquals(0, incarnations.current(A, 5), "the old one unreachable: it counts, it is the current one");
    incarnations.up(A, 6); // restarted
    assertEquals(-1, incarnations.current(A, 5), "the old one's removal says nothing of the new one");
    assertEquals(0, incarnations.current(A, 6));
    assertEquals(1, incarnations.current(B, 11), "other replicas are not affected");
  }
}
