package dev.chora.runtime.core;

import dev.chora.runtime.CounterMachine;
import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.exec.ExecutionListener;
import dev.chora.runtime.exec.Executor;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.sim.InFlight;
import dev.chora.runtime.sim.SimQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A small group of real cores and executors over a network with one step (100 µs of simulated
 * time) of latency and losses on demand, with crashes and restarts: for tests of the fallback path that read
 * as a story. (The randomised version of all this is the simulator.)
 */
final class TestGroup {
  static final long STEP = 100_000;

  final ChoraConfig config;
  final int n;
  final ReplicaCore[] cores;
  final CounterMachine[] counters;
  final Executor[] executors;
  final boolean[] down;
  final List<List<PeerMessage>> sentBy = new ArrayList<>();
  final List<ClientReply> replies = new ArrayList<>();
  /** Agreement, checked on every execution: the first content executed for each slot. */
  final java.util.Map<Long, Batch> executedSlots = new java.util.HashMap<>();
  final List<String> violations = new ArrayList<>();
  /** What is sent at one step arrives at the next. */
  private final SimQueue<InFlight> network = new SimQueue<>();
  private final List<Runnable> afterStep = new ArrayList<>();
  Predicate<InFlight> drop = m -> false;
  long now;

  TestGroup(ChoraConfig config) {
    this.config = config;
    this.n = config.replicas();
    this.cores = new ReplicaCore[n];
    this.counters = new CounterMachine[n];
    this.executors = new Executor[n];
    this.down = new boolean[n];
    for (int i = 0; i < n; i++) {
      sentBy.add(new ArrayList<>());
      start(i, false);
    }
  }

  private void start(int i, boolean recovering) {
    counters[i] = new CounterMachine();
    executors[i] = new Executor(i, counters[i], 1000, replies::add, ExecutionListener.NONE);
    Executor executor = executors[i];
    openSessions(executor);
    ReplicaCore[] self = new ReplicaCore[1];
    self[0] = new ReplicaCore(config, i, new CoreOutput() {
      @Override
      public void send(int to, PeerMessage message) {
        sentBy.get(i).add(message);
        network.schedule(now + STEP, new InFlight(i, to, message));
      }

      @Override
      public void execute(long round, int proposer, Batch batch) {
        Batch first = executedSlots.putIfAbsent(round * 16 + proposer, batch);
        if (first != null && !first.equals(batch)) {
          violations.add("replica " + i + " executed " + batch.requests() + " in slot (" + round + "," + proposer
              + ") where another executed " + first.requests());
        }
        executor.execute(round, proposer, batch);
      }

      @Override
      public void serveRead(ReadRequest read) {
        executor.serveRead(read);
      }

      @Override
      public void reply(ClientReply reply) {
        replies.add(reply);
      }

      @Override
      public void takeSnapshot(long round) {
        byte[] state = executor.snapshot();
        afterStep.add(() -> self[0].snapshotTaken(round, state));
      }

      @Override
      public void installSnapshot(long round, byte[] snapshot) {
        executor.restore(snapshot);
      }
    }, recovering, 7919L * i + now);
    cores[i] = self[0];
  }

  /**
   * The stories are about the core, not about sessions: every executor starts as if sessions 1 to
   * {@link #OPEN_SESSIONS} had been opened before them, the same on every replica (a restarted one
   * too: that is its state before round 1), so that the tests' client ids are sessions.
   */
  static final int OPEN_SESSIONS = 200;

  private static void openSessions(Executor executor) {
    for (int k = 1; k <= OPEN_SESSIONS; k++) {
      executor.execute(0, -1, Batch.of(List.of(Request.openSession(-k))));
    }
  }

  void crash(int i) {
    down[i] = true;
  }

  /** Restarts replica i with its state lost: a new core that must recover. */
  void restart(int i) {
    down[i] = false;
    sentBy.get(i).clear();
    start(i, true);
  }

  void submit(int replica, Request request) {
    cores[replica].submit(now, request);
  }

  void run(long nanos) {
    long end = now + nanos;
    while (now < end) {
      step();
    }
  }

  /** One step: deliver what is in flight, tick every live replica, hand back snapshots. */
  void step() {
    now += STEP;
    network.drainDue(now, m -> {
      if (!down[m.to()] && !down[m.from()] && !drop.test(m)) {
        cores[m.to()].receive(now, m.message());
      }
    });
    for (int i = 0; i < n; i++) {
      if (!down[i]) {
        cores[i].tick(now);
      }
    }
    List<Runnable> pending = new ArrayList<>(afterStep);
    afterStep.clear();
    pending.forEach(Runnable::run);
  }
}
