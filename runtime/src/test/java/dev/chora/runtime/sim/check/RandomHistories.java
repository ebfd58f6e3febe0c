package dev.chora.runtime.sim.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: each op gets a random interval and a
 * linearization point inside it, and results come from applying the ops to a map in point order.
 */
final class RandomHistories {

    /** Written values are positive, so this value was never written. */
    static final long NEVER_WRITTEN = -1L;

    record Shape(int ops, int clients, int keys, int valueRange, double incompleteRate) {
    }

    record Corruption(List<KvOp> history, KvOp corrupted) {
    }

    private record Planned(int index, int client, KvOpType type, String key, long arg, long expected,
                           long invokedAt, long point, long completedAt, boolean completed, boolean takesEffect) {
    }

    private RandomHistories() {
    }

    static List<KvOp> generate(long seed, Shape shape) {
        Random random = new Random(seed);
        long[] clientFreeAt = new long[shape.clients()];
        List<Planned> planned = new ArrayList<>(shape.ops());
        for (int i = 0; i < shape.ops(); i++) {
            int client = i % shape.clients(); // round-robin keeps clients' clocks level, so they overlap
            long invokedAt = clientFreeAt[client] + random.nextInt(5);
            long point = invokedAt + random.nextInt(16);
            long completedAt = point + random.nextInt(16);
            clientFreeAt[client] = completedAt + 1; // each client has one op outstanding at a time
            int dice = random.nextInt(10);
            KvOpType type = dice < 4 ? KvOpType.PUT : dice < 8 ? KvOpType.GET : KvOpType.CAS;
            String key = "k" + random.nextInt(shape.keys());
            long arg = 1 + random.nextInt(shape.valueRange());
            long expected = 1 + random.nextInt(shape.valueRange());
            boolean completed = random.nextDouble() >= shape.incompleteRate();
            boolean takesEffect = completed || random.nextBoolean();
            planned.add(new Planned(i, client, type, key, arg, expected, invokedAt, point, completedAt,
                    completed, takesEffect));
        }

        // The real sequential execution: apply in linearization-point order to derive every result.
        List<Planned> byPoint = new ArrayList<>(planned);
        byPoint.sort(Comparator.comparingLong(Planned::point).thenComparingInt(Planned::index));
        Map<String, Long> store = new HashMap<>();
        KvOp[] ops = new KvOp[planned.size()];
        for (Planned p : byPoint) {
            Long result = null;
            if (p.takesEffect()) {
                Long current = store.get(p.key());
                switch (p.type()) {
                    case PUT -> store.put(p.key(), p.arg());
                    case GET -> result = current;
                    case CAS -> {
                        boolean swaps = current != null && current == p.expected();
                        if (swaps) {
                            store.put(p.key(), p.arg());
                        }
                        result = swaps ? 1L : 0L;
                    }
                }
            }
            ops[p.index()] = new KvOp(p.client(), p.type(), p.key(), p.arg(), p.expected(), p.invokedAt(),
                    p.completedAt(), p.completed(), p.completed() ? result : null);
        }
        return List.of(ops);
    }

    /** Replaces one randomly chosen completed read's result with a value that was never written. */
    static Corruption corruptOneRead(List<KvOp> history, long seed) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).type() == KvOpType.GET && history.get(i).completed()) {
                reads.add(i);
            }
        }
        if (reads.isEmpty()) {
            throw new IllegalStateException("history has no completed read to corrupt");
        }
        int victim = reads.get(new Random(seed).nextInt(reads.size()));
        KvOp original = history.get(victim);
        KvOp corrupted = KvOp.get(original.client(), original.key(), NEVER_WRITTEN, original.invokedAt(),
                original.completedAt());
        List<KvOp> copy = new ArrayList<>(history);
        copy.set(victim, corrupted);
        return new Corruption(copy, corrupted);
    }
}
