package dev.chora.actors;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

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

  // The shape, checked first for the precise message; Pekko's own parser then has the last word.
  private static final Pattern FORM = Pattern.compile(
      "pekko://([^@/:\\[\\]]+)@(\\[[0-9A-Fa-f:.]+(?:%[\\w.]+)?\\]|[^:/@\\[\\]]+):([1-9]\\d{0,4})");

  /** An example for error messages. */
  public static final String EXAMPLE = "pekko://chora@10.0.0.1:25520 (IPv6: pekko://chora@[fd00::1]:25520)";

  /** What to add when an IPv6 address is written without brackets. */
  public static final String IPV6_HINT = "write an IPv6 address in brackets, as in pekko://chora@[::1]:25520";

  public ReplicaAddress {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP/UDP port (1..65535)");
    }
  }

  /**
   * Parses {@code address}: it must have this form and be read the same way by Pekko, which
   * addresses the replica with it.
   *
   * @throws IllegalArgumentException naming the address and the expected form
   */
  public static ReplicaAddress parse(String address) {
    Matcher m = FORM.matcher(address);
    if (!m.matches()) {
      String hint = address.matches("pekko://[^@]+@[0-9A-Fa-f]*:[0-9A-Fa-f:]*:\\d+") ? "; " + IPV6_HINT : "";
      throw new IllegalArgumentException("\"" + address + "\" is not an actor-system address like " + EXAMPLE + hint);
    }
    int port = Integer.parseInt(m.group(3));
    if (port > 65535) {
      throw new IllegalArgumentException("\"" + address + "\": port " + port + " is not a TCP/UDP port (1..65535)");
    }
    ReplicaAddress parsed = new ReplicaAddress(m.group(1), m.group(2), port);
    Address pekko;
    try {
      pekko = AddressFromURIString.parse(address);
    } catch (Exception e) { // MalformedURLException, undeclared in Scala
      throw new IllegalArgumentException("\"" + address + "\" is not an address Pekko can read (a host name may"
          + " have letters, digits, '-' and '.'; an IPv6 address must be valid, in brackets): " + e.getMessage());
    }
    if (!parsed.toString().equals(pekko.toString())) {
      throw new IllegalArgumentException("\"" + address + "\" reads as " + pekko + " to Pekko; write it as Pekko"
          + " does, e.g. " + EXAMPLE);
    }
    return parsed;
  }

  /**
   * The node this address names, for telling two entries apart: host names and IPv6 letters in
   * lower case, an IPv6 address in its full form (so {@code [::1]} and {@code [0:0:0:0:0:0:0:1]}
   * are one node). Nothing is looked up on the network.
   */
  public String identity() {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      try {
        h = "[" + InetAddress.getByName(h).getHostAddress() + "]"; // a literal: no name lookup
      } catch (UnknownHostException e) {
        // Not a valid literal; parse() refuses those, so keep the text as written.
      }
    }
    return system + "@" + h + ":" + port;
  }

  @Override
  public String toString() {
    return "pekko://" + system + "@" + host + ":" + port;
  }
}
