package dev.chora.examples.node;

import java.util.Locale;

/**
 * How a node's Artery talks to the others: {@code tcp}, {@code aeron-udp} with a media driver
 * embedded in the JVM, or {@code aeron-udp} through a media driver shared by every JVM of the host
 * (started separately; its directory in {@code node.aeron-dir}).
 */
public enum Transport {
  TCP("tcp"), AERON_EMBEDDED("aeron-embedded"), AERON_SHARED("aeron-shared");

  private final String cliName;

  Transport(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static Transport parse(String s) {
    for (Transport t : values()) {
      if (t.cliName.equals(s.toLowerCase(Locale.ROOT).trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown transport \"" + s + "\": use tcp, aeron-embedded or aeron-shared");
  }

  /** The Artery settings for this transport (aeronDir only for {@link #AERON_SHARED}). */
  public String hocon(String aeronDir) {
    return switch (this) {
      case TCP -> "pekko.remote.artery.transport = tcp\n";
      case AERON_EMBEDDED -> "pekko.remote.artery.transport = aeron-udp\n"
          + "pekko.remote.artery.advanced.aeron.embedded-media-driver = on\n";
      case AERON_SHARED -> "pekko.remote.artery.transport = aeron-udp\n"
          + "pekko.remote.artery.advanced.aeron.embedded-media-driver = off\n"
          + "pekko.remote.artery.advanced.aeron.aeron-dir = \"" + aeronDir.replace("\\", "\\\\").replace("\"", "\\\"")
          + "\"\n";
    };
  }
}
