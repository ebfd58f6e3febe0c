package dev.chora.examples.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.chora.examples.cli.CliException;
import dev.chora.transport.launch.TlsStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A node file's {@code node.tls} section, for {@code node.transport = tls-tcp}: the node's key
 * store and the group's trust store, with their passwords given in the file, through HOCON's
 * {@code ${ENV_VAR}} substitution, or in a file of their own ({@code *-password-file}, first line).
 * Both stores are opened at start, so that a wrong path or password is refused before the node
 * joins (docs/cli.md, docs/transport.md).
 */
final class NodeTls {
  private static final String P = "node.tls.";
  /** Every {@code node.tls.*} setting. */
  static final Set<String> KEYS = Set.of("key-store", "key-store-password", "key-store-password-file",
      "trust-store", "trust-store-password", "trust-store-password-file", "protocol", "enabled-algorithms",
      "hostname-verification");

  private NodeTls() {}

  static TlsStores stores(Config user) {
    if (!user.hasPath("node.tls")) {
      throw new CliException("node.transport = tls-tcp needs node.tls: key-store, trust-store and their passwords"
          + " (docs/transport.md, \"tls-tcp\")");
    }
    Config tls;
    try {
      tls = user.withOnlyPath("node.tls").resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw new CliException("node.tls: " + e.getMessage() + ": export that environment variable before starting the"
          + " node, or use *-password-file");
    }
    for (String key : tls.getConfig("node.tls").root().keySet()) {
      if (!KEYS.contains(key)) {
        throw new CliException("node.tls." + key + " is not a setting; the settings are " + new java.util.TreeSet<>(KEYS));
      }
    }
    try {
      String protocol = tls.hasPath(P + "protocol") ? tls.getString(P + "protocol") : "TLSv1.3";
      List<String> algorithms = tls.hasPath(P + "enabled-algorithms") ? tls.getStringList(P + "enabled-algorithms")
          : protocol.equals("TLSv1.2") ? TlsStores.TLS12_ALGORITHMS : TlsStores.TLS13_ALGORITHMS;
      TlsStores stores = new TlsStores(path(tls, "key-store"), password(tls, "key-store"), path(tls, "trust-store"),
          password(tls, "trust-store"), protocol, algorithms,
          !tls.hasPath(P + "hostname-verification") || tls.getBoolean(P + "hostname-verification"));
      stores.check();
      return stores;
    } catch (IllegalArgumentException | ConfigException e) {
      throw new CliException("node.tls: " + e.getMessage(), e);
    }
  }

  private static Path path(Config tls, String key) {
    if (!tls.hasPath(P + key)) {
      throw new CliException("node.tls." + key + " is missing: the path of the " + key.replace('-', ' ') + " (PKCS12)");
    }
    return Path.of(tls.getString(P + key));
  }

  /** The password of {@code store} (key-store, trust-store): given, or read from its password file. */
  private static String password(Config tls, String store) {
    boolean given = tls.hasPath(P + store + "-password");
    boolean inFile = tls.hasPath(P + store + "-password-file");
    if (given == inFile) {
      throw new CliException("node.tls: set exactly one of " + store + "-password (the password, or ${ENV_VAR}) and "
          + store + "-password-file (a file whose first line is the password)");
    }
    if (given) {
      return tls.getString(P + store + "-password");
    }
    Path file = Path.of(tls.getString(P + store + "-password-file"));
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw new CliException("node.tls." + store + "-password-file " + file + " is empty: its first line is the password");
      }
      return lines.get(0);
    } catch (IOException e) {
      throw new CliException("node.tls." + store + "-password-file " + file + " cannot be read (" + e + "): it holds the "
          + store.replace('-', ' ') + "'s password on its first line, readable by the node's user", e);
    }
  }
}
