package dev.chora.multijvm.faults;

import dev.chora.examples.bench.HistoryWriter;
import dev.chora.runtime.sim.check.KvOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients' history, Jepsen style: each operation with its invocation and completion times (the
 * test JVM's monotonic clock) and outcome — {@code ok}, {@code fail} (definitely not applied) or
 * {@code info} (unknown: a timeout; it may apply at any later time or never). Kept in memory for
 * the checks and written as JSON lines next to the node logs.
 */
final class History implements AutoCloseable {

  /** One operation. {@code value}/{@code expected}/{@code result} are the KV values (longs as text), or null. */
  record Op(int client, String f, String key, Long value, Long expected, long invokeNs, long completeNs,
      String type, Long result) {
    boolean ok() {
      return "ok".equals(type);
    }

    boolean unknown() {
      return "info".equals(type);
    }
  }

  private final List<Op> ops = new ArrayList<>();
  private final HistoryWriter writer;

  History(Path file) throws IOException {
    this.writer = new HistoryWriter(file);
  }

  synchronized void add(Op op, String resultText) {
    ops.add(op);
    writer.write("c" + op.client(), op.f(), op.key(), op.value() == null ? null
        : (op.expected() != null ? op.expected() + "->" : "") + op.value(), op.invokeNs(), op.completeNs(), op.type(),
        resultText);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** The key-value operations as the linearizability checker takes them. */
  synchronized List<KvOp> kvOps() {
    List<KvOp> out = new ArrayList<>();
    for (Op o : ops) {
      if ("fail".equals(o.type())) {
        continue; // definitely not applied: constrains nothing
      }
      boolean done = o.ok();
      switch (o.f()) {
        case "put" -> out.add(done ? KvOp.put(o.client(), o.key(), o.value(), o.invokeNs(), o.completeNs())
            : KvOp.unknownPut(o.client(), o.key(), o.value(), o.invokeNs()));
        case "get" -> {
          if (done) {
            out.add(KvOp.get(o.client(), o.key(), o.result(), o.invokeNs(), o.completeNs()));
          }
        }
        case "cas" -> out.add(done
            ? KvOp.cas(o.client(), o.key(), o.expected(), o.value(), o.result() == 1L, o.invokeNs(), o.completeNs())
            : KvOp.unknownCas(o.client(), o.key(), o.expected(), o.value(), o.invokeNs()));
        default -> { }
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
