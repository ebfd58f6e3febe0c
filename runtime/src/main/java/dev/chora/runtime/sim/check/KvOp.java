package dev.chora.runtime.sim.check;

import java.util.Objects;

/**
 * One client operation on a single key, as observed by the client.
 *
 * <ul>
 *   <li>PUT sets {@code key := arg}; {@code result} is ignored.
 *   <li>GET: {@code result} is the value read, or null if the key was absent.
 *   <li>CAS: if the key's value equals {@code expected} (an absent key equals nothing) sets
 *       {@code key := arg}; {@code result} is 1 if it swapped, 0 if not.
 * </ul>
 *
 * <p>If {@code completed} is false the outcome is unknown (e.g. a timeout): the op may have taken
 * effect at any point after {@code invokedAt}, or never. Its {@code completedAt} is normalised to
 * {@link Long#MAX_VALUE} and its {@code result} must be null.
 */
public record KvOp(
        int client,
        KvOpType type,
        String key,
        long arg,
        long expected,
        long invokedAt,
        long completedAt,
        boolean completed,
        Long result) implements TimedOperation {

    public KvOp {
        Objects.requireNonNull(type, "type");
        if (key == null) {
            throw new IllegalArgumentException("key must not be null (client " + client + ", " + type + ")");
        }
        if (completed) {
            if (completedAt < invokedAt) {
                throw new IllegalArgumentException("completedAt " + completedAt + " < invokedAt " + invokedAt
                        + " for client " + client + " " + type + " on '" + key + "'");
            }
            if (type == KvOpType.CAS && (result == null || (result != 0L && result != 1L))) {
                throw new IllegalArgumentException("completed CAS needs result 0 or 1, got " + result
                        + " (client " + client + " on '" + key + "')");
            }
            // A completed GET with a null result is a read of an absent key, so GET needs no check here.
        } else {
            if (result != null) {
                throw new IllegalArgumentException("incomplete op has an unknown outcome, so result must be null, got "
                        + result + " (client " + client + " " + type + " on '" + key + "')");
            }
            completedAt = Long.MAX_VALUE; // never returned: treat completion as +infinity
        }
    }

    public static KvOp put(int client, String key, long value, long invokedAt, long completedAt) {
        return new KvOp(client, KvOpType.PUT, key, value, 0L, invokedAt, completedAt, true, null);
    }

    /** A completed read; {@code result} null means the key was absent. */
    public static KvOp get(int client, String key, Long result, long invokedAt, long completedAt) {
        return new KvOp(client, KvOpType.GET, key, 0L, 0L, invokedAt, completedAt, true, result);
    }

    public static KvOp getAbsent(int client, String key, long invokedAt, long completedAt) {
        return get(client, key, null, invokedAt, completedAt);
    }

    public static KvOp cas(int client, String key, long expected, long newValue, boolean swapped,
                           long invokedAt, long completedAt) {
        return new KvOp(client, KvOpType.CAS, key, newValue, expected, invokedAt, completedAt, true,
                swapped ? 1L : 0L);
    }

    public static KvOp unknownPut(int client, String key, long value, long invokedAt) {
        return new KvOp(client, KvOpType.PUT, key, value, 0L, invokedAt, Long.MAX_VALUE, false, null);
    }

    public static KvOp unknownCas(int client, String key, long expected, long newValue, long invokedAt) {
        return new KvOp(client, KvOpType.CAS, key, newValue, expected, invokedAt, Long.MAX_VALUE, false, null);
    }

    public static KvOp unknownGet(int client, String key, long invokedAt) {
        return new KvOp(client, KvOpType.GET, key, 0L, 0L, invokedAt, Long.MAX_VALUE, false, null);
    }

    /** Compact form for failure messages, e.g. {@code c2 CAS(x,1->5)=ok [10,?]}. */
    @Override
    public String toString() {
        String body = switch (type) {
            case PUT -> "PUT(" + key + "," + arg + ")";
            case GET -> "GET(" + key + ")" + (completed ? "=" + (result == null ? "absent" : result) : "");
            case CAS -> "CAS(" + key + "," + expected + "->" + arg + ")"
                    + (completed ? (result == 1L ? "=ok" : "=fail") : "");
        };
        return "c" + client + " " + body + " [" + invokedAt + "," + (completed ? Long.toString(completedAt) : "?") + "]";
    }
}
