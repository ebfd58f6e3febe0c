package dev.chora.actors.replica;

import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.PeerLinkRequest;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.StartView;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.FunctionRef;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import scala.runtime.BoxedUnit;

/**
 * Who sent a peer message. Typed actors see no sender, and what a message says about its sender
 * (its {@code from}, or an actor ref inside it) is whatever the sending node wrote: any node that
 * reaches a replica over Artery could claim to be any replica. So each replica gives each peer an
 * inbox of its own: an actor ref under the replica whose name holds 128 random bits, handed out
 * only to that peer's configured address. A peer message counts only when it came in through the
 * inbox of the replica it names as {@code from}; one that came any other way is forged and dropped.
 * The one exception is a {@link StartView}: its {@code from} is the view's coordinator, and any
 * replica that holds it resends it to one that missed it (ViewAdoption.sendLastStartView), so it
 * counts through any replica's inbox. The protocol tolerates crashes, not lies: a replica is
 * trusted with what it relays as with what it says itself; a node that is no replica is not.
 *
 * <p>The handshake: replica j sends {@link PeerLinkRequest}(j, nonce) to replica i's configured
 * address; i answers with {@link PeerLinkGrant}(i, nonce, i's inbox for j) sent to j's configured
 * address, whoever asked. j takes an inbox only from a grant that echoes its outstanding nonce,
 * which only a node receiving what is sent to i's address has seen. A forged request makes i send
 * its grant to the real j; a forged grant lacks the nonce. A request says whether its sender holds
 * none of the receiver's inboxes (it has just started, perhaps as a new incarnation whose own
 * inboxes are new): a receiver that holds the sender's inbox then asks it for its inbox again at
 * once, and keeps sending through the one it holds until the new grant comes. Requests are repeated on a timer of their
 * own, not at the core's deadlines (a replica in a view change or recovery may have none for a
 * long time), until every peer has granted. Messages for a peer that has not granted yet are held
 * (at most {@link #MAX_HELD} per peer, the oldest dropped first) and sent, in order, with its
 * grant: a replica loses nothing because its peers started a moment apart.
 *
 * <p>The inboxes are Pekko function refs: a message to one is passed on to the replica's mailbox
 * on the receiving Artery thread, with the inbox as its classic sender, so the check on the hot
 * path is one reference comparison, with no extra actor hop and no allocation.
 */
final class PeerLinks {
  /** How often a replica asks a peer whose inbox it lacks, or may have lost, for it. */
  static final java.time.Duration ASK_EVERY = java.time.Duration.ofMillis(100);
  private static final long ASK_EVERY_NANOS = ASK_EVERY.toNanos();

  /**
   * Messages held per peer until it grants its inbox, each within Artery's frame limits: the
   * rounds of the moment peers start apart. Older ones would be stale by the grant; the protocol
   * fetches again what it still needs.
   */
  static final int MAX_HELD = 32;

  /** Tells the replica to ask again the peers that have not granted (see {@link #askMissing}). */
  enum AskAgain { INSTANCE }

  private final int self;
  private final Address[] addresses;
  private final List<String> paths;
  private final ActorRefResolver resolver;
  private final org.apache.pekko.actor.ActorContext classic;
  /** This replica's inbox for each peer, by peer id; null at its own id. */
  private final org.apache.pekko.actor.ActorRef[] inboxes;
  private final ActorRef<PeerMessage>[] typedInboxes;
  /** Each peer's inbox for this replica, once granted. */
  private final ActorRef<PeerMessage>[] outboxes;
  private final long[] nonces;
  private final long[] askedAtNanos;
  /** Peers whose granted inbox may be an earlier incarnation's: asked again until they grant anew. */
  private final boolean[] doubted;
  /** Messages for each peer that has not granted its inbox yet, oldest first. */
  private final ArrayDeque<PeerMessage>[] held;
  private final SecureRandom random = new SecureRandom();
  private long forged;

  /** Creates the inboxes; call on the replica actor's thread, before it receives anything. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays, by replica id
  PeerLinks(ActorContext<Object> ctx, int self, List<String> peerPaths) {
    int n = peerPaths.size();
    this.self = self;
    this.classic = Adapter.toClassic(ctx);
    this.addresses = new Address[n];
    this.paths = List.copyOf(peerPaths);
    this.inboxes = new org.apache.pekko.actor.ActorRef[n];
    this.typedInboxes = new ActorRef[n];
    this.outboxes = new ActorRef[n];
    this.nonces = new long[n];
    this.askedAtNanos = new long[n];
    this.doubted = new boolean[n];
    this.held = new ArrayDeque[n];
    this.resolver = ActorRefResolver.get(ctx.getSystem());
    org.apache.pekko.actor.ActorRef replica = classic.self();
    byte[] secret = new byte[16];
    for (int id = 0; id < n; id++) {
      addresses[id] = ActorPaths.fromString(peerPaths.get(id)).address();
      if (id == self) {
        continue;
      }
      nonces[id] = random.nextLong();
      held[id] = new ArrayDeque<>();
      askedAtNanos[id] = System.nanoTime() - ASK_EVERY_NANOS;
      random.nextBytes(secret);
      FunctionRef[] inbox = new FunctionRef[1];
      // Pekko's function refs (what typed message adapters are made of) are internal API; the
      // public alternative, a child actor per peer, would cost every peer message a second hop.
      inbox[0] = ((ActorCell) classic).addFunctionRef((sender, message) -> {
        if (message instanceof PeerMessage) {
          replica.tell(message, inbox[0]);
        }
        return BoxedUnit.UNIT;
      }, "peer-" + id + "-" + HexFormat.of().formatHex(secret));
      inboxes[id] = inbox[0];
      typedInboxes[id] = Adapter.toTyped(inbox[0]);
    }
  }

  /**
   * Whether the peer message being received came in through the inbox of the replica it names, or,
   * for a StartView, of any replica. One naming an id the group does not have passes: the core
   * drops it as UNKNOWN_SENDER. Call only while the message is the one being received: its inbox
   * is the classic sender, which a stash would not keep.
   */
  boolean authentic(PeerMessage message) {
    int from = message.from();
    if (from < 0 || from >= inboxes.length) {
      return true;
    }
    org.apache.pekko.actor.ActorRef sender = classic.sender();
    if (sender == inboxes[from]) {
      return true;
    }
    if (message instanceof StartView) {
      for (org.apache.pekko.actor.ActorRef inbox : inboxes) {
        if (inbox != null && sender == inbox) {
          return true;
        }
      }
    }
    return false;
  }

  /** Counts a peer message that {@link #authentic} refused. */
  void forged() {
    forged++;
  }

  /** Peer messages dropped because they did not come from the replica they name. */
  long forgedCount() {
    return forged;
  }

  /** Sends peer {@code to} a message through its inbox, or holds it until the peer grants one. */
  void send(int to, PeerMessage message) {
    ActorRef<PeerMessage> outbox = outboxes[to];
    if (outbox != null) {
      outbox.tell(message);
      return;
    }
    ArrayDeque<PeerMessage> queue = held[to];
    if (queue.size() == MAX_HELD) {
      queue.pollFirst();
    }
    queue.addLast(message);
  }

  /** Where peer {@code to}'s messages go, or null while it has not granted an inbox. */
  ActorRef<PeerMessage> outbox(int to) {
    return outboxes[to];
  }

  /**
   * Asks every peer whose inbox is missing or doubted, each at most every {@link #ASK_EVERY};
   * returns whether any is, so that the caller asks again after {@link #ASK_EVERY}.
   */
  boolean askMissing(long nowNanos) {
    boolean missing = false;
    for (int id = 0; id < outboxes.length; id++) {
      if (id != self && (outboxes[id] == null || doubted[id])) {
        missing = true;
        if (nowNanos - askedAtNanos[id] >= ASK_EVERY_NANOS) {
          ask(id, nowNanos);
        }
      }
    }
    return missing;
  }

  private void ask(int peer, long nowNanos) {
    askedAtNanos[peer] = nowNanos;
    replica(peer).tell(new PeerLinkRequest(self, nonces[peer], outboxes[peer] == null));
  }

  /**
   * Replica {@code id}'s actor, resolved at each use: a path on this node's own address resolves to
   * the actor living there at that moment, which a peer started later, or anew, is not (handshake
   * messages are few).
   */
  private ActorRef<Object> replica(int id) {
    return resolver.resolveActorRef(paths.get(id));
  }

  /**
   * Grants the named replica, at its configured address, this replica's inbox for it. If it holds
   * none of this replica's inboxes while this one holds its, it has started anew since (a new
   * incarnation's inboxes are new): ask it for its inbox at once. A replica holding none of the
   * peer's inboxes asks on its timer anyway.
   */
  void requested(PeerLinkRequest request, long nowNanos) {
    int peer = request.from();
    if (peer < 0 || peer >= addresses.length || peer == self) {
      return;
    }
    replica(peer).tell(new PeerLinkGrant(self, request.nonce(), typedInboxes[peer]));
    if (request.fresh() && outboxes[peer] != null) {
      doubted[peer] = true;
      // Not held to ASK_EVERY: the sooner a restarted peer's new inbox is known, the fewer messages
      // go to its last incarnation's. This request is not fresh, so the peer does not ask back;
      // a forged fresh request costs one request to the real peer.
      ask(peer, nowNanos);
    }
  }

  /**
   * Takes a granted inbox if the grant echoes the outstanding nonce; returns false for a grant that
   * is forged. A repeat of the grant already taken (a peer answers every request, and a request is
   * repeated until answered) is ignored, not refused.
   */
  boolean granted(PeerLinkGrant grant) {
    int peer = grant.from();
    if (peer < 0 || peer >= addresses.length || peer == self) {
      return false;
    }
    if (grant.nonce() != nonces[peer] || !grant.inbox().path().address().equals(addresses[peer])) {
      return grant.inbox().equals(outboxes[peer]);
    }
    outboxes[peer] = grant.inbox();
    doubted[peer] = false;
    nonces[peer] = random.nextLong(); // a replayed grant no longer matches
    for (PeerMessage m; (m = held[peer].pollFirst()) != null; ) {
      grant.inbox().tell(m);
    }
    return true;
  }

  /** Whether {@code address} is a configured replica's. */
  boolean isReplica(Address address) {
    for (Address a : addresses) {
      if (a.equals(address)) {
        return true;
      }
    }
    return false;
  }
}
