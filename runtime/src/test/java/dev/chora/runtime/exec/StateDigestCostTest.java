package dev.chora.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint digest of divergence detection ({@link Executor#digest}): equal for equal states,
 * different for a state that differs in one value, and its cost on a 100,000-key key-value state
 * beside that of the snapshot it is taken with (printed; docs/performance.md quotes it).
 */
class StateDigestCostTest {
  static final int KEYS = 100_000;

  /** Keys "key-000000".., 32-byte values, written in key order. */
  static final class Kv implements StateMachine {
    final TreeMap<String, byte[]> values = new TreeMap<>();

    @Override
    public byte[] apply(byte[] command) {
      String key = new String(command, 0, 10, StandardCharsets.US_ASCII);
      byte[] value = new byte[command.length - 10];
      System.arraycopy(command, 10, value, 0, value.length);
      values.put(key, value);
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      return values.getOrDefault(new String(query, StandardCharsets.US_ASCII), new byte[0]);
    }

    @Override
    public byte[] snapshot() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(values.size() * 48);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(values.size());
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  static Executor filled(int differentKey) {
    Executor executor = new Executor(0, new Kv(), 1000, reply -> {}, ExecutionListener.NONE);
    // Sessions 1 to 500, as the client table numbers them, before their commands.
    for (int k = 1; k <= 500; k++) {
      executor.execute(0, -1, Batch.of(List.of(Request.openSession(-k))));
    }
    List<Request> batch = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      byte[] command = new byte[42];
      System.arraycopy(String.format("key-%06d", k).getBytes(StandardCharsets.US_ASCII), 0, command, 0, 10);
      command[10 + k % 32] = (byte) (k == differentKey ? 2 : 1);
      batch.add(new Request(1 + k % 500, 1 + k / 500, command));
      if (batch.size() == 1000) {
        executor.execute(k, 0, Batch.of(batch));
        batch = new ArrayList<>();
      }
    }
    return executor;
  }

  @Test
  void theDigestOfA100kKeyStateIsEqualForEqualStatesAndItsCostIsMeasured() {
    Executor a = filled(-1);
    Executor b = filled(-1);
    Executor c = filled(KEYS / 2);
    assertEquals(Executor.digest(a.snapshot()), Executor.digest(b.snapshot()));
    assertNotEquals(Executor.digest(a.snapshot()), Executor.digest(c.snapshot()), "one value differs");

    // Warm up both paths, then take the best of several: a shared machine's noise only adds time.
    long snapshotNanos = Long.MAX_VALUE;
    long digestNanos = Long.MAX_VALUE;
    byte[] snapshot = null;
    for (int i = 0; i < 15; i++) {
      long t0 = System.nanoTime();
      snapshot = a.snapshot();
      long t1 = System.nanoTime();
      Executor.digest(snapshot);
      long t2 = System.nanoTime();
      snapshotNanos = Math.min(snapshotNanos, t1 - t0);
      digestNanos = Math.min(digestNanos, t2 - t1);
    }
    System.out.printf("state digest on %,d keys: snapshot %,d bytes in %.2f ms, its digest in %.2f ms (%.0f%% of the"
        + " snapshot)%n", KEYS, snapshot.length, snapshotNanos / 1e6, digestNanos / 1e6, 100.0 * digestNanos / snapshotNanos);
  }
}
