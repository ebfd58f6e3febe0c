package dev.chora.actors;

/**
 * A digest of a replica's replicated state (its state machine and client table) as it stands after
 * {@code executedRound}. Replicas that executed the same rounds hold the same digest.
 *
 * @param sha256 hex SHA-256 of the executor's snapshot
 */
public record StateDigest(int replicaId, long executedRound, String sha256) {}
