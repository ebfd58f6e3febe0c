package dev.chora.actors;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code chora.replicas}: the actor-system address a replica runs at, as Pekko
 * writes it, {@code pekko://system@host:port}.
 *
 * <p>An IPv6 host is written in brackets, {@code pekko://chora@[::1]:25520}, and so is the node's
 * {@code pekko.remote.artery.canonical.hostname} ({@code "[::1]"}): Pekko renders a node's address
 * with the host exactly as configured, and Artery's Aeron channels put the host before
 * {@code :port}, where only the bracketed form parses. Java resolves the bracketed literal.
 *
 * @param system the actor system's name
 * @param host   a host name, an IPv4 address, or an IPv6 address in brackets
 * @param port   1..65535
 */
public record ReplicaAddress(String system, String host, int port) {

  private static final Pattern FORM = Pattern.compile(
      "pekko://([^@/:\\[\\]]+)@(\\[[0-9A-Fa-f:.]+(?:%[\\w.-]+)?\\]|[^:/@\\[\\]]+):(\\d{1,5})");

  /** An example for error messages. */
  public static final String EXAMPLE = "pekko://chora@10.0.0.1:25520 (IPv6: pekko://chora@[fd00::1]:25520)";

  public ReplicaAddress {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP/UDP port (1..65535)");
    }
  }

  /**
   * Parses {@code address}.
   *
   * @throws IllegalArgumentException naming the address and the expected form
   */
  public static ReplicaAddress parse(String address) {
    Matcher m = FORM.matcher(address);
    if (!m.matches()) {
      String hint = address.matches("pekko://[^@]+@[0-9A-Fa-f]*:[0-9A-Fa-f:]*:\\d+")
          ? "; write an IPv6 address in brackets, as in pekko://chora@[::1]:25520" : "";
      throw new IllegalArgumentException("\"" + address + "\" is not an actor-system address like " + EXAMPLE + hint);
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("\"" + address + "\": port " + port + " is not a TCP/UDP port (1..65535)");
    }
    return new ReplicaAddress(m.group(1), m.group(2), port);
  }

  @Override
  public String toString() {
    return "pekko://" + system + "@" + host + ":" + port;
  }
}
