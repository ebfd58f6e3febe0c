package dev.chora.transport.launch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The key store and trust store of one member on Artery's {@code tls-tcp}: Pekko's {@code
 * pekko.remote.artery.ssl.config-ssl-engine} with mutual authentication always on, so that a peer
 * is accepted only if its certificate chains to the trust store, in both directions of every
 * connection.
 *
 * @param keyStore this member's PKCS12 (or JKS) store holding its private key and certificate
 * @param keyStorePassword the key store's password, also the key's (PKCS12 has one password)
 * @param trustStore the certificates (or certificate authority) every peer's must chain to
 * @param trustStorePassword the trust store's password
 * @param protocol {@code TLSv1.3} or {@code TLSv1.2}
 * @param enabledAlgorithms the cipher suites, e.g. {@link #TLS13_ALGORITHMS}
 * @param hostnameVerification whether a connecting member checks that the peer's certificate names
 *     the address it connects to (a subject alternative name {@code IP:…} for an IP address)
 */
public record TlsStores(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
    String protocol, List<String> enabledAlgorithms, boolean hostnameVerification) {

  /** Pekko's default suites for TLSv1.3. */
  public static final List<String> TLS13_ALGORITHMS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");

  /** Suites for TLSv1.2 with forward secrecy, for EC and RSA keys. */
  public static final List<String> TLS12_ALGORITHMS = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

  public TlsStores {
    Objects.requireNonNull(keyStore, "key store");
    Objects.requireNonNull(keyStorePassword, "key store password");
    Objects.requireNonNull(trustStore, "trust store");
    Objects.requireNonNull(trustStorePassword, "trust store password");
    if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
      throw new IllegalArgumentException("TLS protocol \"" + protocol + "\": use TLSv1.3 or TLSv1.2");
    }
    enabledAlgorithms = List.copyOf(enabledAlgorithms);
    if (enabledAlgorithms.isEmpty()) {
      throw new IllegalArgumentException("no enabled TLS algorithms: name at least one cipher suite of " + protocol);
    }
  }

  /** TLSv1.3 with Pekko's default suites and hostname verification on. */
  public static TlsStores of(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
    return new TlsStores(keyStore, keyStorePassword, trustStore, trustStorePassword, "TLSv1.3", TLS13_ALGORITHMS, true);
  }

  /** These stores with another key store (and its password): a member with another identity. */
  public TlsStores withKeyStore(Path store, String password) {
    return new TlsStores(store, password, trustStore, trustStorePassword, protocol, enabledAlgorithms,
        hostnameVerification);
  }

  /** Artery's settings for these stores, without the transport itself ({@code tls-tcp}). */
  public Config artery() {
    String p = "pekko.remote.artery.ssl.";
    return ConfigFactory.parseMap(Map.of(
        p + "ssl-engine-provider", "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider",
        p + "config-ssl-engine.key-store", keyStore.toAbsolutePath().toString(),
        p + "config-ssl-engine.key-store-password", keyStorePassword,
        p + "config-ssl-engine.key-password", keyStorePassword,
        p + "config-ssl-engine.trust-store", trustStore.toAbsolutePath().toString(),
        p + "config-ssl-engine.trust-store-password", trustStorePassword,
        p + "config-ssl-engine.protocol", protocol,
        p + "config-ssl-engine.enabled-algorithms", enabledAlgorithms,
        p + "config-ssl-engine.require-mutual-authentication", true,
        p + "config-ssl-engine.hostname-verification", hostnameVerification), "chora TlsStores");
  }

  /**
   * Opens both stores with their passwords, as Pekko will when the first connection is made, so
   * that a wrong path or password fails at start with a message naming the store and the fix.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public void check() {
    KeyStore keys = open("key store", keyStore, keyStorePassword);
    KeyStore trust = open("trust store", trustStore, trustStorePassword);
    try {
      if (!anyEntry(keys, keys::isKeyEntry)) {
        throw new IllegalArgumentException("key store " + keyStore + " holds no private key: make one with keytool"
            + " -genkeypair (docs/transport.md, \"tls-tcp\")");
      }
      if (!anyEntry(trust, trust::isCertificateEntry)) {
        throw new IllegalArgumentException("trust store " + trustStore + " holds no trusted certificate: import the"
            + " peers' certificate authority with keytool -importcert (docs/transport.md, \"tls-tcp\")");
      }
    } catch (java.security.KeyStoreException e) {
      throw new IllegalArgumentException("cannot read " + keyStore + " or " + trustStore + ": " + e.getMessage(), e);
    }
  }

  /** A test of one entry that may fail as the store's own methods do. */
  private interface EntryTest {
    boolean test(String alias) throws java.security.KeyStoreException;
  }

  private static boolean anyEntry(KeyStore store, EntryTest test) throws java.security.KeyStoreException {
    for (String alias : Collections.list(store.aliases())) {
      if (test.test(alias)) {
        return true;
      }
    }
    return false;
  }

  private static KeyStore open(String what, Path file, String password) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file + " does not exist (or is not a file)");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not readable by this user");
    }
    String type = file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(in, password.toCharArray());
      return ks;
    } catch (IOException e) {
      String cause = e.getCause() instanceof java.security.UnrecoverableKeyException
          || String.valueOf(e.getMessage()).contains("password")
          ? "wrong password" : e.getMessage();
      throw new IllegalArgumentException(what + " " + file + " cannot be opened as " + type + " (" + cause
          + "): check the file and its password", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(what + " " + file + " cannot be opened as " + type + " (" + e.getMessage()
          + "): check the file and its password", e);
    }
  }
}
