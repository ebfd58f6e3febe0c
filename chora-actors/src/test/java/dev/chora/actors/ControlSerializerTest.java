package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chora.actors.control.ControlSerializer;
import dev.chora.actors.control.DigestQuery;
import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.PeerLinkRequest;
import dev.chora.actors.control.StatusQuery;
import dev.chora.runtime.message.PeerMessage;
import java.io.NotSerializableException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status/digest wire format: every message round-trips; bad bytes are refused, never crash. */
class ControlSerializerTest {
  static ActorSystem<Void> system;
  static ControlSerializer serializer;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "control");
    serializer = new ControlSerializer((ExtendedActorSystem) Adapter.toClassic(system));
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  Object roundTrip(Object o) throws Exception {
    return serializer.fromBinary(serializer.toBinary(o), serializer.manifest(o));
  }

  @Test
  void everyControlMessageRoundTrips() throws Exception {
    ReplicaStatus s = new ReplicaStatus(2, new ReplicaStatus.View(ReplicaStatus.State.VIEW_CHANGE, 7, 0b101),
        new ReplicaStatus.Progress(1234, 1230, 1229, 3), new ReplicaStatus.Rounds(5000, 40, 12, 7.5, 1.25, 9.5),
        new ReplicaStatus.Requests(99_000, 98_000, 17, 97_000, 123_456_789, 987_654_321), new ReplicaStatus.ViewChanges(3, 2, 4, 5, 6, 7),
        new ReplicaStatus.Refused(8, 9), true, 123_456_789L);
    assertEquals(s, roundTrip(s));
    ReplicaStatus durable = new ReplicaStatus(s.replicaId(), s.view(), s.progress(), s.rounds(), s.requests(),
        s.viewChanges(), s.refused(), s.warmingUp(), s.sampledAtNanos(), new ReplicaStatus.Storage(true,
        "/var/lib/chora/replica-2", 4000, 3990, 812, 0.16, 3.25, 1 << 20, "stopped acknowledging: disk full at /x"));
    assertEquals(durable, roundTrip(durable));
    StateDigest d = new StateDigest(1, 1229, "ab".repeat(32));
    assertEquals(d, roundTrip(d));
    ActorRef<ReplicaStatus> ref = system.systemActorOf(Behaviors.empty(), "probe",
        org.apache.pekko.actor.typed.Props.empty());
    assertEquals(new StatusQuery(ref), roundTrip(new StatusQuery(ref)));
    ActorRef<StateDigest> dref = ref.unsafeUpcast();
    assertEquals(new DigestQuery(dref), roundTrip(new DigestQuery(dref)));
    assertEquals(new PeerLinkRequest(2, -5L, true), roundTrip(new PeerLinkRequest(2, -5L, true)));
    assertEquals(new PeerLinkRequest(1, 9L, false), roundTrip(new PeerLinkRequest(1, 9L, false)));
    ActorRef<PeerMessage> inbox = ref.unsafeUpcast();
    assertEquals(new PeerLinkGrant(1, 77L, inbox), roundTrip(new PeerLinkGrant(1, 77L, inbox)));
  }

  @Test
  void truncatedRandomAndUnknownInputIsRefusedCleanly() throws Exception {
    byte[] good = serializer.toBinary(new StateDigest(1, 5, "00"));
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThrows(NotSerializableException.class, () -> serializer.fromBinary(truncated, "G"));
    }
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(trailing, "G"));
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(good, "no-such-manifest"));
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[1 << 20], "S"));
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[rnd.nextInt(200)];
      rnd.nextBytes(junk);
      String manifest = new String[] {"Q", "D", "S", "G", "L", "K"}[i % 6];
      try {
        serializer.fromBinary(junk, manifest);
      } catch (NotSerializableException expected) {
        // refused with a clear exception: fine
      }
    }
  }
}
