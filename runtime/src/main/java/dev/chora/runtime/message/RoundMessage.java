package dev.chora.runtime.message;

/**
 * Replica {@code from}'s proposal for {@code round} in {@code view}, with its cumulative
 * acknowledgements: {@code ackVector[j]} is the highest round R such that the sender holds every
 * slot of proposer j from the view's first round through R. Acks for round r ride on round r+1's
 * message, which is what pipelines the instances. {@code executedRound} tells peers how far the
 * sender has executed, so a lagging replica knows whom to ask for state. {@code checkRound} and
 * {@code checkDigest} are the sender's latest divergence checkpoint: the digest of its state after
 * executing that round ({@code checkRound} -1: none yet). The array is shared between the copies
 * sent to each peer and must not be modified.
 */
public record RoundMessage(long view, long round, int from, Batch batch, long[] ackVector, long executedRound,
    long checkRound, long checkDigest) implements PeerMessage {

  /** Without a divergence checkpoint. */
  public RoundMessage(long view, long round, int from, Batch batch, long[] ackVector, long executedRound) {
    this(view, round, from, batch, ackVector, executedRound, -1, 0);
  }

  @Override
  public long payloadBytes() {
    return batch == null ? 0 : batch.sizeBytes();
  }
}
