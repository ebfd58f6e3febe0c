package dev.chora.actors.replica;

import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.PeerLinkRequest;
import dev.chora.runtime.message.PeerMessage;
import java.security.SecureRandom;
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
 *
 * <p>The handshake: replica j sends {@link PeerLinkRequest}(j, nonce) to replica i's configured
 * address; i answers with {@link PeerLinkGrant}(i, nonce, i's inbox for j) sent to j's configured
 * address, whoever asked. j takes an inbox only from a grant that echoes its outstanding nonce,
 * which only a node receiving what is sent to i's address has seen. A forged request makes i send
 * its grant to the real j; a forged grant lacks the nonce. A replica that receives a request asks
 * the requester for its inbox again until it grants one anew: the requester may be a restarted
 * incarnation whose inboxes are new. Until a peer has granted an inbox, messages to it are lost,
 * as on the network, and the protocol's resends cover them.
 *
 * <p>The inboxes are Pekko function refs: a message to one is passed on to the replica's mailbox
 * on the receiving Artery thread, with the inbox as its classic sender, so the check on the hot
 * path is one reference comparison, with no extra actor hop and no allocation.
 */
final class PeerLinks {
  /** How often a replica asks a peer whose inbox it lacks, or may have lost, for it. */
  static final long ASK_EVERY_NANOS = 100_000_000L;

  private final int self;
  private final Address[] addresses;
  private final ActorRef<Object>[] replicas;
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
  private final SecureRandom random = new SecureRandom();
  private long forged;

  /** Creates the inboxes; call on the replica actor's thread, before it receives anything. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // generic arrays, by replica id
  PeerLinks(ActorContext<Object> ctx, int self, List<String> peerPaths) {
    int n = peerPaths.size();
    this.self = self;
    this.classic = Adapter.toClassic(ctx);
    this.addresses = new Address[n];
    this.replicas = new ActorRef[n];
    this.inboxes = new org.apache.pekko.actor.ActorRef[n];
    this.typedInboxes = new ActorRef[n];
    this.outboxes = new ActorRef[n];
    this.nonces = new long[n];
    this.askedAtNanos = new long[n];
    this.doubted = new boolean[n];
    ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
    org.apache.pekko.actor.ActorRef replica = classic.self();
    byte[] secret = new byte[16];
    for (int id = 0; id < n; id++) {
      addresses[id] = ActorPaths.fromString(peerPaths.get(id)).address();
      if (id == self) {
        continue;
      }
      replicas[id] = resolver.resolveActorRef(peerPaths.get(id));
      nonces[id] = random.nextLong();
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
   * Whether the peer message being received came in through the inbox of the replica it names. One
   * naming an id the group does not have passes: the core drops it as UNKNOWN_SENDER.
   */
  boolean authentic(PeerMessage message) {
    int from = message.from();
    return from < 0 || from >= inboxes.length || classic.sender() == inboxes[from];
  }

  /** Counts a peer message that {@link #authentic} refused. */
  void forged() {
    forged++;
  }

  /** Peer messages dropped because they did not come from the replica they name. */
  long forgedCount() {
    return forged;
  }

  /** Where to send peer {@code to} its messages, or null while it has not granted an inbox. */
  ActorRef<PeerMessage> outbox(int to) {
    return outboxes[to];
  }

  /** Asks every peer whose inbox is missing or doubted, at most every {@link #ASK_EVERY_NANOS}. */
  void askMissing(long nowNanos) {
    for (int id = 0; id < outboxes.length; id++) {
      if (id != self && (outboxes[id] == null || doubted[id])) {
        ask(id, nowNanos);
      }
    }
  }

  private void ask(int peer, long nowNanos) {
    if (nowNanos - askedAtNanos[peer] >= ASK_EVERY_NANOS) {
      askedAtNanos[peer] = nowNanos;
      replicas[peer].tell(new PeerLinkRequest(self, nonces[peer]));
    }
  }

  /** Grants the named replica, at its configured address, this replica's inbox for it. */
  void requested(PeerLinkRequest request, long nowNanos) {
    int peer = request.from();
    if (peer < 0 || peer >= replicas.length || peer == self) {
      return;
    }
    replicas[peer].tell(new PeerLinkGrant(self, request.nonce(), typedInboxes[peer]));
    doubted[peer] = true;
    ask(peer, nowNanos);
  }

  /**
   * Takes a granted inbox if the grant echoes the outstanding nonce; returns false for a grant that
   * is forged. A repeat of the grant already taken (a peer answers every request, and a request is
   * repeated until answered) is ignored, not refused.
   */
  boolean granted(PeerLinkGrant grant) {
    int peer = grant.from();
    if (peer < 0 || peer >= replicas.length || peer == self) {
      return false;
    }
    if (grant.nonce() != nonces[peer] || !grant.inbox().path().address().equals(addresses[peer])) {
      return grant.inbox().equals(outboxes[peer]);
    }
    outboxes[peer] = grant.inbox();
    doubted[peer] = false;
    nonces[peer] = random.nextLong(); // a replayed grant no longer matches
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
