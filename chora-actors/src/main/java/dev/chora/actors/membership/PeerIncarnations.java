package dev.chora.actors.membership;

import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.Address;

/**
 * Which cluster events speak of a replica's current incarnation. A replica restarted at the same
 * address is a new cluster member (a new uid); an event about the old one (its unreachability, its
 * removal) arriving once the new one is up says nothing about the replica that now answers at that
 * address, and taken by address alone it would mark a live, active replica unreachable — and keep
 * it out of the active set until some later event about the new one. So the last member seen up
 * at a replica's address is its incarnation, and events about any other uid are ignored. The
 * replica actor (suspicion and rejoin) and the client gateway (where requests go) both map events
 * through it.
 */
public final class PeerIncarnations {
  private static final long UNKNOWN = 0;

  private final List<Address> addresses;
  private final long[] uids;

  public PeerIncarnations(List<Address> addresses) {
    this.addresses = List.copyOf(addresses);
    this.uids = new long[addresses.size()];
    Arrays.fill(uids, UNKNOWN);
  }

  /** The replica id listed at {@code address}, or -1 (a member without a replica, or misconfigured). */
  public int idOf(Address address) {
    return addresses.indexOf(address);
  }

  /**
   * Member {@code uid} at {@code address} is up: from now on it is that replica's incarnation.
   * Returns the replica id, or -1 if no replica is listed at the address.
   */
  public int up(Address address, long uid) {
    int id = idOf(address);
    if (id >= 0) {
      uids[id] = uid;
    }
    return id;
  }

  /**
   * The replica id an event about member {@code uid} at {@code address} concerns, or -1: no replica
   * is listed there, or the event is about another incarnation than the last one seen up (before any
   * was seen up, every event counts).
   */
  public int current(Address address, long uid) {
    int id = idOf(address);
    if (id < 0 || (uids[id] != UNKNOWN && uids[id] != uid)) {
      return -1;
    }
    return id;
  }
}
