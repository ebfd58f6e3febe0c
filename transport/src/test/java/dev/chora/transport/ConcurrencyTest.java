package dev.chora.transport;

import static dev.chora.transport.DeepAssert.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One serializer shared by several threads, as Pekko shares it: pooling must not mix state. */
class ConcurrencyTest {
  private static final int THREADS = 4;
  private static final int MESSAGES = 10_000;

  @Test
  @Timeout(120)
  void concurrentRoundTripsAreCorrectAndReuseKryoInstances() throws Exception {
    ChoraCodec codec = new ChoraCodec(16 * 1024 * 1024);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          Random rnd = new Random(seed);
          start.await();
          int done = 0;
          for (int i = 0; i < MESSAGES; i++) {
            Object message = Samples.random(rnd);
            assertDeepEquals(message, codec.decode(codec.encode(message)));
            done++;
          }
          return done;
        }));
      }
      for (Future<Integer> f : results) {
        assertEquals(MESSAGES, f.get());
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
    // 80,000 encode/decode calls, yet no more Kryo instances than threads using them at once.
    assertTrue(codec.kryosCreated() <= THREADS, "created " + codec.kryosCreated() + " Kryo instances");
  }
}
