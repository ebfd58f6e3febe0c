package dev.chora.actors.membership;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;

/**
 * The addresses of the cluster's members, from its member events: a member counts from its first
 * event (joining) until it is removed. Kept by incarnation, so that the late removal of a node's
 * earlier incarnation does not remove the new one that has joined at the same address.
 */
public final class ClusterMembers {
  private final Map<Address, Set<Long>> uidsByAddress = new HashMap<>();

  public void update(ClusterEvent.MemberEvent event) {
    Member member = event.member();
    long uid = member.uniqueAddress().longUid();
    if (event instanceof ClusterEvent.MemberRemoved) {
      Set<Long> uids = uidsByAddress.get(member.address());
      if (uids != null && uids.remove(uid) && uids.isEmpty()) {
        uidsByAddress.remove(member.address());
      }
    } else {
      uidsByAddress.computeIfAbsent(member.address(), a -> new HashSet<>()).add(uid);
    }
  }

  /** Whether some incarnation at {@code address} is a member. */
  public boolean contains(Address address) {
    return uidsByAddress.containsKey(address);
  }
}
