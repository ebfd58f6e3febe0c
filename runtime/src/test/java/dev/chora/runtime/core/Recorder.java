package dev.chora.runtime.core;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.RoundMessage;
import java.util.ArrayList;
import java.util.List;

/** Records every output of a core, in order, for step-by-step tests. */
class Recorder implements CoreOutput {
  record Sent(int to, PeerMessage message) {}

  record Executed(long round, int proposer, Batch batch) {}

  record Violation(long round, int replica) {}

  final List<Sent> sent = new ArrayList<>();
  final List<Executed> executed = new ArrayList<>();
  final List<ReadRequest> reads = new ArrayList<>();
  final List<ClientReply> replies = new ArrayList<>();
  final List<Long> rounds = new ArrayList<>();
  final List<Violation> violations = new ArrayList<>();
  final List<DropReason> drops = new ArrayList<>();
  final List<Long> snapshotsAsked = new ArrayList<>();
  final List<Long> snapshotsInstalled = new ArrayList<>();
  final List<DivergenceReport> divergences = new ArrayList<>();
  long committed;
  /** Durable mode: what the core asked storage to persist, in order (entry k at index k - 1). */
  final List<LogEntry> persisted = new ArrayList<>();

  @Override
  public void persist(LogEntry entry) {
    persisted.add(entry);
  }

  @Override
  public void send(int to, PeerMessage message) {
    sent.add(new Sent(to, message));
  }

  @Override
  public void execute(long round, int proposer, Batch batch) {
    executed.add(new Executed(round, proposer, batch));
  }

  @Override
  public void serveRead(ReadRequest read) {
    reads.add(read);
  }

  @Override
  public void reply(ClientReply reply) {
    replies.add(reply);
  }

  @Override
  public void takeSnapshot(long round) {
    snapshotsAsked.add(round);
  }

  @Override
  public void installSnapshot(long round, byte[] snapshot) {
    snapshotsInstalled.add(round);
  }

  @Override
  public void divergence(DivergenceReport report) {
    divergences.add(report);
  }

  @Override
  public void roundEntered(long round, long nowNanos) {
    rounds.add(round);
  }

  @Override
  public void synchronyViolation(long round, int replica) {
    violations.add(new Violation(round, replica));
  }

  @Override
  public void committed(long commitIndex) {
    committed = commitIndex;
  }

  @Override
  public void dropped(DropReason reason, PeerMessage message) {
    drops.add(reason);
  }

  /** Messages of one type sent since the last {@link #clear()}. */
  <T extends PeerMessage> List<T> sentOf(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Sent s : sent) {
      if (type.isInstance(s.message())) {
        out.add(type.cast(s.message()));
      }
    }
    return out;
  }

  RoundMessage lastRoundMessage() {
    List<RoundMessage> all = sentOf(RoundMessage.class);
    return all.get(all.size() - 1);
  }

  void clear() {
    sent.clear();
    executed.clear();
    reads.clear();
    replies.clear();
    rounds.clear();
    violations.clear();
    drops.clear();
  }
}
