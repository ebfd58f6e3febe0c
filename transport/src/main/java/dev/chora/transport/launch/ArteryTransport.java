package dev.chora.transport.launch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration that puts one node on one Artery transport, bound to 127.0.0.1: used by the
 * command line's demo and bench, the multi-JVM test kit and the transport probe, so that all of
 * them run nodes the same way and measure the same thing.
 *
 * <p>Only the transport is set: layer the result over the node's own configuration with
 * {@code ArteryTransport.aeronShared(dir, port).withFallback(nodeConfig)}. The actor provider
 * ({@code remote} or {@code cluster}) stays the node's choice.
 */
public final class ArteryTransport {

  /** Every node of the project's local runs binds here only, never to a public interface. */
  public static final String HOST = "127.0.0.1";

  /**
   * Artery's {@code advanced.aeron.idle-cpu-level} for nodes on the shared driver. With an external
   * driver it sets only the node's own Aeron polling (Artery's task runner and inbound stream),
   * where the node trades idle CPU for the latency of the first message after a pause. On shared
   * cores a node that spins less leaves them to the others, so under load a low level is faster
   * than Pekko's default 5; level 1 (sleeping 1 ms) costs a multiple of the round trip. The
   * measurements behind the choice are in docs/transport.md and docs/performance.md.
   */
  public static final int SHARED_IDLE_CPU_LEVEL = 2;

  /**
   * The level for nodes with an embedded driver: Pekko's default. There the level also sets the
   * embedded driver's threads, so every node spins for its own driver; kept for comparison only.
   */
  public static final int EMBEDDED_IDLE_CPU_LEVEL = 5;

  /** The idle CPU level a node on {@code kind} runs at: {@link #EMBEDDED_IDLE_CPU_LEVEL} or {@link #SHARED_IDLE_CPU_LEVEL}. */
  public static int idleCpuLevel(Kind kind) {
    return kind == Kind.AERON_EMBEDDED ? EMBEDDED_IDLE_CPU_LEVEL : SHARED_IDLE_CPU_LEVEL;
  }

  /** The address of actor system {@code systemName} on {@link #HOST}:{@code port}, e.g. {@code pekko://chora@127.0.0.1:2552}. */
  public static String address(String systemName, int port) {
    return "pekko://" + systemName + "@" + HOST + ":" + port;
  }

  /** The three ways a node can reach its peers; the names are those of the probe and command line. */
  public enum Kind {
    /** Artery over TCP: no driver, no spinning, the easy default when Aeron is not wanted. */
    TCP("tcp"),
    /** aeron-udp through the host's {@link MediaDriverProcess}: the project's default deployment. */
    AERON_SHARED("aeron-shared"),
    /** aeron-udp with a media driver inside each node's JVM (Pekko's default for aeron-udp). */
    AERON_EMBEDDED("aeron-embedded"),
    /**
     * Artery over TCP inside TLS with mutual authentication: the one transport that encrypts and
     * authenticates its links (the others belong on a trusted network). Needs {@link TlsStores}.
     */
    TLS_TCP("tls-tcp");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.label.equals(s.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown transport '" + s + "' (tcp, tls-tcp, aeron-shared, aeron-embedded)");
    }
  }

  private ArteryTransport() {}

  /** Artery TCP on {@link #HOST}:{@code port} (0: any free port, see the node's self address). */
  public static Config tcp(int port) {
    return base("tcp", port);
  }

  /** Artery TCP in mutual TLS on {@link #HOST}:{@code port}, with this member's {@code stores}. */
  public static Config tlsTcp(int port, TlsStores stores) {
    return stores.artery().withFallback(base("tls-tcp", port));
  }

  /** aeron-udp with an embedded driver in a fresh directory of its own, at {@link #EMBEDDED_IDLE_CPU_LEVEL}. */
  public static Config aeronEmbedded(int port) {
    return aeronEmbedded(port, EMBEDDED_IDLE_CPU_LEVEL);
  }

  public static Config aeronEmbedded(int port, int idleCpuLevel) {
    return base("aeron-udp", port)
        .withValue("pekko.remote.artery.advanced.aeron.embedded-media-driver", ConfigValueFactory.fromAnyRef(true))
        // Empty: Pekko makes a unique directory per actor system, so nodes never collide.
        .withValue("pekko.remote.artery.advanced.aeron.aeron-dir", ConfigValueFactory.fromAnyRef(""))
        .withValue("pekko.remote.artery.advanced.aeron.idle-cpu-level", level(idleCpuLevel));
  }

  /** aeron-udp through the external driver in {@code aeronDir}, at {@link #SHARED_IDLE_CPU_LEVEL}. */
  public static Config aeronShared(Path aeronDir, int port) {
    return aeronShared(aeronDir, port, SHARED_IDLE_CPU_LEVEL);
  }

  public static Config aeronShared(Path aeronDir, int port, int idleCpuLevel) {
    return base("aeron-udp", port)
        .withValue("pekko.remote.artery.advanced.aeron.embedded-media-driver", ConfigValueFactory.fromAnyRef(false))
        .withValue("pekko.remote.artery.advanced.aeron.aeron-dir",
            ConfigValueFactory.fromAnyRef(aeronDir.toAbsolutePath().toString()))
        .withValue("pekko.remote.artery.advanced.aeron.idle-cpu-level", level(idleCpuLevel));
  }

  /** {@link #of(Kind, Path, int, int)} at the kind's own {@link #idleCpuLevel(Kind)}. */
  public static Config of(Kind kind, Path aeronDir, int port) {
    return of(kind, aeronDir, port, idleCpuLevel(kind));
  }

  /**
   * The configuration for {@code kind}; {@code aeronDir} is needed for {@link Kind#AERON_SHARED}
   * only. Not for {@link Kind#TLS_TCP}, whose members each have keys of their own: {@link #tlsTcp}.
   */
  public static Config of(Kind kind, Path aeronDir, int port, int idleCpuLevel) {
    return switch (kind) {
      case TCP -> tcp(port);
      case TLS_TCP -> throw new IllegalArgumentException("tls-tcp needs the member's key and trust stores: use"
          + " ArteryTransport.tlsTcp(port, stores)");
      case AERON_EMBEDDED -> aeronEmbedded(port, idleCpuLevel);
      case AERON_SHARED -> {
        if (aeronDir == null) {
          throw new IllegalArgumentException("aeron-shared needs the shared driver's directory");
        }
        yield aeronShared(aeronDir, port, idleCpuLevel);
      }
    };
  }

  /**
   * As HOCON text, e.g. for a child JVM's {@code -Dconfig.file} or an argument. JSON is valid
   * HOCON, and it keeps paths and other strings quoted exactly.
   */
  public static String render(Config config) {
    return config.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }

  /**
   * A port of 127.0.0.1 that is free for both TCP and UDP right now (Artery tcp listens on TCP,
   * aeron-udp on UDP, so a port is only useful to both if both are free). Another process may still
   * take it before the node binds; where that matters, bind to port 0 and read the node's address.
   */
  public static int freePort() {
    return freePort(HOST);
  }

  /** As {@link #freePort()}, on the local address {@code host} (an IPv6 literal with or without brackets). */
  public static int freePort(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, address)) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
          return udp.getLocalPort();
        } catch (IOException taken) {
          // UDP side busy: try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind " + host, e);
      }
    }
    throw new IllegalStateException("no port of " + host + " free for both TCP and UDP in 50 attempts");
  }

  private static Config base(String transport, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    return ConfigFactory.parseMap(Map.of(
        "pekko.remote.artery.transport", transport,
        "pekko.remote.artery.canonical.hostname", HOST,
        "pekko.remote.artery.canonical.port", port,
        // Explicit so that a node never binds a wider interface than it advertises.
        "pekko.remote.artery.bind.hostname", HOST), "chora ArteryTransport " + transport);
  }

  private static com.typesafe.config.ConfigValue level(int idleCpuLevel) {
    if (idleCpuLevel < 1 || idleCpuLevel > 10) {
      throw new IllegalArgumentException("idle-cpu-level is 1..10: " + idleCpuLevel);
    }
    return ConfigValueFactory.fromAnyRef(idleCpuLevel);
  }
}
