package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chora.actors.EntitiesTest.Add;
import dev.chora.actors.EntitiesTest.Total;
import dev.chora.actors.entity.EntityType;
import dev.chora.transport.launch.ArteryTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A group whose replicas are at IPv6 addresses, written as Pekko writes them
 * ({@code pekko://chora@[::1]:port}, canonical hostname {@code "[::1]"}): it forms a Pekko Cluster,
 * passes the address checks and replicates, over Artery tcp and over aeron-udp.
 */
class Ipv6GroupTest {
  private static final String HOST = "[::1]";

  LocalGroup group;

  @BeforeAll
  static void ipv6LoopbackExists() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
    } catch (IOException e) {
      assumeTrue(false, "this machine has no IPv6 loopback (::1 cannot be bound: " + e.getMessage() + ")");
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = ArteryTransport.Kind.class, names = {"TCP", "AERON_SHARED"})
  void aGroupAtIpv6AddressesFormsAClusterAndReplicates(ArteryTransport.Kind transport) throws Exception {
    group = new LocalGroup(3, 0, "pekko.actor.provider = cluster\n"
        + "pekko.actor.serializers.test = \"dev.chora.actors.TestSerializer\"\n"
        + "pekko.actor.serialization-bindings {\n"
        + "  \"dev.chora.actors.EntitiesTest$Add\" = test\n"
        + "  \"dev.chora.actors.EntitiesTest$Total\" = test\n"
        + "}\n", transport, HOST);
    for (ActorSystem<Void> system : group.systems) {
      assertEquals(HOST, system.address().host().get(), "Pekko keeps the bracketed host");
      Chora.get(system).startReplica(List.of(EntityType.of(EntitiesTest.COUNTER, id -> new EntitiesTest.Counter())));
    }
    for (int k = 0; k < 10; k++) {
      for (ActorSystem<Void> system : group.systems) {
        Chora.get(system).entityRefFor(EntitiesTest.COUNTER, "c").ask(new Add(1), Duration.ofSeconds(20))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    for (ActorSystem<Void> system : group.systems) {
      Total total = Chora.get(system).entityRefFor(EntitiesTest.COUNTER, "c").ask(new Add(0), Duration.ofSeconds(20))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(30, total.value(), "seen from " + system.address());
    }
  }
}
