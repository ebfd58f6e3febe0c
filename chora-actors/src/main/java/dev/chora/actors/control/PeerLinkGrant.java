package dev.chora.actors.control;

import dev.chora.runtime.message.PeerMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Replica {@code from}'s answer to a {@link PeerLinkRequest}: the inbox, an actor whose path holds
 * an unguessable name, through which the replica it is sent to must send {@code from} its peer
 * messages. {@code nonce} is the request's, which only a node receiving traffic addressed to the
 * requester's configured replica address has seen.
 */
public record PeerLinkGrant(int from, long nonce, ActorRef<PeerMessage> inbox) {}
