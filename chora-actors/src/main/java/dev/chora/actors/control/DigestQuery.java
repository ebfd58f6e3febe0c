package dev.chora.actors.control;

import dev.chora.actors.StateDigest;
import dev.chora.actors.replica.ReplicaActor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Asks a replica for the digest of its replicated state; answered only when {@code replyTo} is at
 * a cluster member's or a replica's address (docs/runtime.md, Security).
 */
public record DigestQuery(ActorRef<StateDigest> replyTo) implements ReplicaActor.Command {}
