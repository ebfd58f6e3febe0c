package dev.chora.actors.control;

import dev.chora.actors.StateDigest;
import dev.chora.actors.replica.ReplicaActor;
import org.apache.pekko.actor.typed.ActorRef;

/** Asks a replica, from any node, for the digest of its replicated state. */
public record DigestQuery(ActorRef<StateDigest> replyTo) implements ReplicaActor.Command {}
