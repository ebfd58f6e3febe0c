package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.junit.jupiter.api.Test;

class ReplicaAddressTest {

  @Test
  void readsHostNamesIpv4AndBracketedIpv6() {
    assertEquals(new ReplicaAddress("chora", "10.0.0.1", 25520), ReplicaAddress.parse("pekko://chora@10.0.0.1:25520"));
    assertEquals(new ReplicaAddress("chora", "node-1.example.org", 1),
        ReplicaAddress.parse("pekko://chora@node-1.example.org:1"));
    assertEquals(new ReplicaAddress("chora", "[::1]", 65535), ReplicaAddress.parse("pekko://chora@[::1]:65535"));
    assertEquals(new ReplicaAddress("chora", "[fe80::1%eth0]", 25520),
        ReplicaAddress.parse("pekko://chora@[fe80::1%eth0]:25520"));
  }

  @Test
  void agreesWithPekkosOwnParserAndRendersAsPekkoDoes() {
    for (String s : new String[] {"pekko://chora@10.0.0.1:25520", "pekko://chora@[::1]:25520",
        "pekko://chora@[fd00::2]:7", "pekko://sys@host:9"}) {
      ReplicaAddress a = ReplicaAddress.parse(s);
      Address pekko = AddressFromURIString.parse(s);
      assertEquals(pekko.host().get(), a.host(), s);
      assertEquals(pekko.port().get(), a.port(), s);
      assertEquals(pekko.system(), a.system(), s);
      assertEquals(pekko.toString(), a.toString(), s);
    }
  }

  @Test
  void refusesWhatIsNotAnAddressAndSaysWhy() {
    for (String bad : new String[] {"127.0.0.1:1", "pekko://chora@127.0.0.1", "pekko://chora@:1", "akka://chora@h:1",
        "pekko://chora@h:1/user", "pekko://@h:1", "pekko://chora@h:0", "pekko://chora@h:65536", "pekko://chora@[::1:2"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaAddress.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("pekko://chora@10.0.0.1:25520")
          || e.getMessage().contains("port"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReplicaAddress.parse("pekko://chora@fd00::2:25520"));
    assertTrue(e.getMessage().contains("write an IPv6 address in brackets"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ReplicaAddress.parse("pekko://chora@h:080"));
    assertTrue(e.getMessage().contains("is not an actor-system address"), e.getMessage());
  }

  @Test
  void refusesWhatHasTheShapeButPekkoCannotRead() {
    for (String bad : new String[] {"pekko://chora@node_1:25520", "pekko://chora@[1]:25520", "pekko://chora@[:::]:1",
        "pekko://chora@h%20x:1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaAddress.parse(bad), bad);
      assertTrue(e.getMessage().contains("Pekko"), e.getMessage());
    }
  }

  @Test
  void oneNodeWrittenTwoWaysHasOneIdentity() {
    assertEquals(ReplicaAddress.parse("pekko://chora@[::1]:7").identity(),
        ReplicaAddress.parse("pekko://chora@[0:0:0:0:0:0:0:1]:7").identity());
    assertEquals(ReplicaAddress.parse("pekko://chora@[FD00::1]:7").identity(),
        ReplicaAddress.parse("pekko://chora@[fd00::1]:7").identity());
    assertEquals(ReplicaAddress.parse("pekko://chora@Node-1:7").identity(),
        ReplicaAddress.parse("pekko://chora@node-1:7").identity());
    assertTrue(!ReplicaAddress.parse("pekko://chora@[::1]:7").identity()
        .equals(ReplicaAddress.parse("pekko://chora@[::1]:8").identity()));
  }
}
