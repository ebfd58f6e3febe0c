package dev.chora.transport.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArteryTransportTest {

  private static final String A = "pekko.remote.artery.";

  @Test
  void tcp() {
    Config c = ArteryTransport.tcp(2552);
    assertEquals("tcp", c.getString(A + "transport"));
    assertEquals("127.0.0.1", c.getString(A + "canonical.hostname"));
    assertEquals("127.0.0.1", c.getString(A + "bind.hostname"));
    assertEquals(2552, c.getInt(A + "canonical.port"));
    assertFalse(c.hasPath("pekko.actor.provider"), "the provider stays the node's choice");
  }

  @Test
  void aeronEmbeddedAndShared() {
    Config e = ArteryTransport.aeronEmbedded(0);
    assertEquals("aeron-udp", e.getString(A + "transport"));
    assertTrue(e.getBoolean(A + "advanced.aeron.embedded-media-driver"));
    assertEquals(ArteryTransport.EMBEDDED_IDLE_CPU_LEVEL, e.getInt(A + "advanced.aeron.idle-cpu-level"));

    Path dir = Path.of("/dev/shm/chora-aeron-x \"quoted\"");
    Config s = ArteryTransport.aeronShared(dir, 4000);
    assertFalse(s.getBoolean(A + "advanced.aeron.embedded-media-driver"));
    assertEquals(dir.toString(), s.getString(A + "advanced.aeron.aeron-dir"));
    assertEquals(ArteryTransport.SHARED_IDLE_CPU_LEVEL, s.getInt(A + "advanced.aeron.idle-cpu-level"));
    assertEquals(7, ArteryTransport.aeronShared(dir, 4000, 7).getInt(A + "advanced.aeron.idle-cpu-level"));

    // Rendered text parses back to the same settings, odd characters in paths included.
    Config back = ConfigFactory.parseString(ArteryTransport.render(s));
    assertEquals(s.getString(A + "advanced.aeron.aeron-dir"), back.getString(A + "advanced.aeron.aeron-dir"));
    assertEquals(4000, back.getInt(A + "canonical.port"));
  }

  @Test
  void tlsTcpWithMutualAuthentication() {
    TlsStores stores = TlsStores.of(Path.of("/keys/node.p12"), "k", Path.of("/keys/trust.p12"), "t");
    Config c = ArteryTransport.tlsTcp(2552, stores);
    String ssl = A + "ssl.config-ssl-engine.";
    assertEquals("tls-tcp", c.getString(A + "transport"));
    assertEquals("127.0.0.1", c.getString(A + "bind.hostname"));
    assertEquals("/keys/node.p12", c.getString(ssl + "key-store"));
    assertEquals("k", c.getString(ssl + "key-store-password"));
    assertEquals("k", c.getString(ssl + "key-password"));
    assertEquals("/keys/trust.p12", c.getString(ssl + "trust-store"));
    assertEquals("t", c.getString(ssl + "trust-store-password"));
    assertEquals("TLSv1.3", c.getString(ssl + "protocol"));
    assertEquals(TlsStores.TLS13_ALGORITHMS, c.getStringList(ssl + "enabled-algorithms"));
    assertTrue(c.getBoolean(ssl + "require-mutual-authentication"));
    assertTrue(c.getBoolean(ssl + "hostname-verification"));
    assertEquals(ArteryTransport.Kind.TLS_TCP, ArteryTransport.Kind.parse("TLS-TCP"));
    assertThrows(IllegalArgumentException.class, () -> ArteryTransport.of(ArteryTransport.Kind.TLS_TCP, null, 1, 5),
        "each member has keys of its own");
    assertThrows(IllegalArgumentException.class, () -> new TlsStores(Path.of("k"), "", Path.of("t"), "", "SSLv3",
        TlsStores.TLS13_ALGORITHMS, true));
  }

  @Test
  void kindsAndChecks() {
    assertEquals(ArteryTransport.Kind.AERON_SHARED, ArteryTransport.Kind.parse(" Aeron-Shared "));
    assertThrows(IllegalArgumentException.class, () -> ArteryTransport.Kind.parse("udp"));
    assertThrows(IllegalArgumentException.class, () -> ArteryTransport.of(ArteryTransport.Kind.AERON_SHARED, null, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> ArteryTransport.aeronEmbedded(1, 11));
    assertThrows(IllegalArgumentException.class, () -> ArteryTransport.tcp(70000));
    assertEquals("tcp", ArteryTransport.of(ArteryTransport.Kind.TCP, null, 1, 5).getString(A + "transport"));
    assertEquals(ArteryTransport.EMBEDDED_IDLE_CPU_LEVEL, ArteryTransport.of(ArteryTransport.Kind.AERON_EMBEDDED, null, 1)
        .getInt(A + "advanced.aeron.idle-cpu-level"), "each kind at its own level unless told");
    assertEquals("pekko://probe@127.0.0.1:2552", ArteryTransport.address("probe", 2552));
  }

  @Test
  void freePortIsUsable() {
    int p = ArteryTransport.freePort();
    assertTrue(p > 0 && p < 65536);
  }
}
