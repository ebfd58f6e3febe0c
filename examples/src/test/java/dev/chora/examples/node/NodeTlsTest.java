package dev.chora.examples.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.examples.cli.CliException;
import dev.chora.transport.launch.TlsAuthority;
import dev.chora.transport.launch.TlsStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node file's {@code node.transport = tls-tcp} and {@code node.tls} become Artery's mutual TLS, or a clear refusal. */
class NodeTlsTest {
  private static final String REPLICAS = "chora.replicas = [\"pekko://chora@127.0.0.1:25601\", "
      + "\"pekko://chora@127.0.0.1:25602\", \"pekko://chora@127.0.0.1:25603\"]\n";
  private static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";

  @TempDir static Path dir;
  static TlsStores stores;

  @BeforeAll
  static void keys() throws Exception {
    stores = TlsAuthority.create(dir.resolve("tls")).issue("node-1", "127.0.0.1");
  }

  private static String tlsSection(String keyPassword) {
    return "node.transport = tls-tcp\n"
        + "node.tls.key-store = \"" + stores.keyStore() + "\"\n"
        + keyPassword
        + "node.tls.trust-store = \"" + stores.trustStore() + "\"\n"
        + "node.tls.trust-store-password = \"" + stores.trustStorePassword() + "\"\n";
  }

  private static Config node(String text) throws Exception {
    Path f = Files.createTempFile(dir, "node", ".conf");
    Files.writeString(f, "chora.replica-id = 1\n" + REPLICAS + text);
    return NodeConfig.fromFile(f);
  }

  @Test
  void tlsTcpWithAPasswordFileBecomesMutualTls() throws Exception {
    Config c = node(tlsSection("node.tls.key-store-password-file = \"" + TlsAuthority.passwordFile(stores.keyStore())
        + "\"\n"));
    assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
    assertEquals(stores.keyStore().toString(), c.getString(SSL + "key-store"));
    assertEquals(stores.keyStorePassword(), c.getString(SSL + "key-store-password"), "read from the password file");
    assertEquals(stores.keyStorePassword(), c.getString(SSL + "key-password"));
    assertEquals(stores.trustStore().toString(), c.getString(SSL + "trust-store"));
    assertTrue(c.getBoolean(SSL + "require-mutual-authentication"));
    assertTrue(c.getBoolean(SSL + "hostname-verification"));
    assertEquals("TLSv1.3", c.getString(SSL + "protocol"));
    assertEquals(25602, c.getInt("pekko.remote.artery.canonical.port"));
    assertFalse(c.hasPath("node"), "node.* settings are the command line's, not Pekko's");

    Config v12 = node(tlsSection("node.tls.key-store-password = \"" + stores.keyStorePassword() + "\"\n")
        + "node.tls.protocol = TLSv1.2\nnode.tls.hostname-verification = off\n");
    assertEquals("TLSv1.2", v12.getString(SSL + "protocol"));
    assertEquals(TlsStores.TLS12_ALGORITHMS, v12.getStringList(SSL + "enabled-algorithms"));
    assertFalse(v12.getBoolean(SSL + "hostname-verification"));
  }

  @Test
  void badTlsSettingsAreRefusedWithTheFix() {
    assertRefused("node.transport = tls-tcp\n", "needs node.tls");
    assertRefused(tlsSection(""), "set exactly one of key-store-password");
    assertRefused(tlsSection("node.tls.key-store-password = \"wrong\"\n"), "check the file and its password");
    assertRefused(tlsSection("node.tls.key-store-password = ${CHORA_TEST_SURELY_UNSET_VARIABLE}\n"),
        "export that environment variable");
    assertRefused(tlsSection("node.tls.key-store-password-file = \"" + dir.resolve("none.pass") + "\"\n"),
        "cannot be read");
    assertRefused(tlsSection("node.tls.key-store-password = x\nnode.tls.keystore = y\n"),
        "node.tls.keystore is not a setting");
    assertRefused("node.transport = tcp\nnode.tls.key-store = x\n", "set node.transport = tls-tcp, or remove node.tls");
  }

  @Test
  void theSampleNodeFileListensOnItsOwnAddressAndNamesTlsTcp() {
    assertFalse(NodeConfig.EXAMPLE.contains("0.0.0.0"), NodeConfig.EXAMPLE);
    assertTrue(NodeConfig.EXAMPLE.contains("tls-tcp"), NodeConfig.EXAMPLE);
    Config sample = ConfigFactory.parseString(NodeConfig.EXAMPLE);
    Config c = NodeConfig.build(sample, 1, sample.getStringList("chora.replicas"), false);
    assertEquals("10.0.0.2", c.getString("pekko.remote.artery.canonical.hostname"));
    String bind = c.getString("pekko.remote.artery.bind.hostname");
    assertTrue(bind.isEmpty() || bind.equals("10.0.0.2"), "binds its own address (Pekko: empty = canonical): " + bind);
  }

  private static void assertRefused(String text, String expected) {
    CliException e = assertThrows(CliException.class, () -> node(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
