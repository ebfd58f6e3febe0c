package dev.chora.examples.kv;

/** A command to a replicated key-value store ({@link KvEntity}). Keys and values are strings. */
public sealed interface KvCommand permits KvCommand.Put, KvCommand.Get, KvCommand.Delete, KvCommand.CompareAndSet {
  String key();

  /** Sets {@code key} to {@code value}; replies ok with the previous value (null if none). */
  record Put(String key, String value) implements KvCommand {
    public Put {
      requireKey(key);
      if (value == null) {
        throw new IllegalArgumentException("put needs a value (use delete to remove a key)");
      }
    }
  }

  /** Reads {@code key}: ok and the value if present, not ok if absent. Linearizable (through the log). */
  record Get(String key) implements KvCommand {
    public Get {
      requireKey(key);
    }
  }

  /** Removes {@code key}; ok with the removed value if it was present, not ok if absent. */
  record Delete(String key) implements KvCommand {
    public Delete {
      requireKey(key);
    }
  }

  /**
   * Sets {@code key} to {@code newValue} only if it currently holds {@code expected} ({@code null}
   * expects the key to be absent; a {@code null} newValue deletes it). Ok if swapped; the reply's
   * value is the key's value after the command either way.
   */
  record CompareAndSet(String key, String expected, String newValue) implements KvCommand {
    public CompareAndSet {
      requireKey(key);
    }
  }

  private static void requireKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("a key-value command needs a key");
    }
  }
}
