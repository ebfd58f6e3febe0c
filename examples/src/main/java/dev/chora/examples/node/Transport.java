package dev.chora.examples.node;

import com.typesafe.config.Config;
import dev.chora.transport.launch.ArteryTransport;
import dev.chora.transport.launch.TlsStores;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a node's Artery talks to the others: {@code tcp}, {@code tls-tcp} (TCP in mutual TLS, the
 * stores in {@code node.tls}), {@code aeron-embedded} (aeron-udp with a
 * media driver inside the JVM) or {@code aeron-shared} (aeron-udp through the media driver shared
 * by every JVM of the host, started separately; its directory in {@code node.aeron-dir}). The
 * settings are chora-transport's {@link ArteryTransport} ones, the same the transport probe and
 * the multi-JVM tests use, except the address: a node file names its own host and port.
 */
public enum Transport {
  TCP(ArteryTransport.Kind.TCP), TLS_TCP(ArteryTransport.Kind.TLS_TCP), AERON_EMBEDDED(ArteryTransport.Kind.AERON_EMBEDDED),
  AERON_SHARED(ArteryTransport.Kind.AERON_SHARED);

  private final ArteryTransport.Kind kind;

  Transport(ArteryTransport.Kind kind) {
    this.kind = kind;
  }

  /** chora-transport's name for this transport. */
  public ArteryTransport.Kind kind() {
    return kind;
  }

  public String cliName() {
    return kind.label();
  }

  public static Transport parse(String s) {
    for (Transport t : values()) {
      if (t.cliName().equals(s.toLowerCase(Locale.ROOT).trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown transport \"" + s + "\": use tcp, tls-tcp, aeron-embedded or aeron-shared");
  }

  /**
   * The Artery settings for this transport without the address (aeronDir only for {@link
   * #AERON_SHARED}, tls only for {@link #TLS_TCP}).
   */
  public Config settings(String aeronDir, TlsStores tls) {
    Config c = this == TLS_TCP ? ArteryTransport.tlsTcp(0, tls)
        : ArteryTransport.of(kind, aeronDir == null ? null : Path.of(aeronDir), 0);
    return c
        .withoutPath("pekko.remote.artery.canonical")
        .withoutPath("pekko.remote.artery.bind");
  }
}
