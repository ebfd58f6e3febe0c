package dev.chora.runtime.storage;

/**
 * File names that carry an index in 20 zero-padded digits ({@code log-00000000000000000042.seg}),
 * so that sorting names sorts indexes and a listing needs no file opened to be ordered.
 */
final class IndexedFileName {
  private IndexedFileName() {}

  static String of(String prefix, long index, String suffix) {
    return String.format("%s%020d%s", prefix, index, suffix);
  }

  /** The index in {@code name}, or -1 if it is not {@code prefix}, 20 digits, {@code suffix}. */
  static long parse(String name, String prefix, String suffix) {
    if (name.length() != prefix.length() + 20 + suffix.length() || !name.startsWith(prefix) || !name.endsWith(suffix)) {
      return -1;
    }
    for (int i = prefix.length(); i < prefix.length() + 20; i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(name.substring(prefix.length(), prefix.length() + 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
