package dev.chora.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys of a configuration section that its reference does not have. HOCON takes any key, so a
 * misspelt setting would be ignored and its default used without a word; each unknown key is named
 * instead, with the valid key nearest to it (by edit distance) or, when none is near, the keys its
 * section has.
 */
public final class UnknownKeys {

  /**
   * A key the reference does not have.
   *
   * @param path    its full path, e.g. {@code chora.protocol.round-timout}
   * @param nearest the full path of the valid key nearest to it, or null if none is near
   * @param parent  the full path of the section it is in
   * @param valid   the keys that section has (empty if the parent takes a value, not settings)
   */
  public record Unknown(String path, String nearest, String parent, List<String> valid) {
    /** What to write instead: "did you mean ...?" or the section's keys. */
    public String hint() {
      return hint("");
    }

    /** {@link #hint()} with a suggested path shown below {@code base} (e.g. "chora.protocol"). */
    public String hint(String base) {
      if (nearest != null) {
        String shown = !base.isEmpty() && nearest.startsWith(base + ".") ? nearest.substring(base.length() + 1) : nearest;
        return "did you mean " + shown + "?";
      }
      if (valid.isEmpty()) {
        return parent + " takes a value, not settings below it";
      }
      return parent + " has " + String.join(", ", valid);
    }

    /** One line naming the key and what to write instead. */
    public String message() {
      return path + ": no such setting; " + hint();
    }
  }

  private UnknownKeys() {}

  /**
   * Every key below {@code section} of {@code config} that {@code reference} (the tree of that
   * section's valid keys) does not have; only the topmost of each unknown subtree. Nothing is
   * looked for below the {@code open} paths (relative to the section): they hold keys of their own
   * choosing, as a Pekko dispatcher section does. A section that is absent or not an object has
   * no keys to check (reading it reports its type).
   */
  public static List<Unknown> find(Config config, String section, ConfigObject reference, Set<String> open) {
    List<Unknown> unknown = new ArrayList<>();
    if (!config.hasPath(section) || config.getValue(section).valueType() != ConfigValueType.OBJECT) {
      return unknown;
    }
    Map<String, String> everyKey = new TreeMap<>();
    everyKey(reference, section, "", open, everyKey);
    walk(config.getObject(section), reference, section, "", open, everyKey, unknown);
    return unknown;
  }

  /** {@link #find(Config, String, ConfigObject, Set)} for a section of plain settings, {@code keys}. */
  public static List<Unknown> find(Config config, String section, Collection<String> keys) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String key : keys) {
      map.put(key, "");
    }
    return find(config, section, ConfigValueFactory.fromMap(map), Set.of());
  }

  private static void walk(ConfigObject given, ConfigObject reference, String path, String relative, Set<String> open,
      Map<String, String> everyKey, List<Unknown> unknown) {
    for (String key : new TreeSet<>(given.keySet())) {
      String keyPath = child(path, key);
      String keyRelative = child(relative, key);
      ConfigValue known = reference.get(key);
      ConfigValue value = given.get(key);
      if (open.contains(keyRelative)) {
        continue;
      }
      if (known == null) {
        List<String> valid = new ArrayList<>(new TreeSet<>(reference.keySet()));
        unknown.add(new Unknown(keyPath, nearest(key, path, valid, everyKey), path, valid));
      } else if (value.valueType() == ConfigValueType.OBJECT) {
        if (known.valueType() == ConfigValueType.OBJECT) {
          walk((ConfigObject) value, (ConfigObject) known, keyPath, keyRelative, open, everyKey, unknown);
        } else {
          for (String below : new TreeSet<>(((ConfigObject) value).keySet())) {
            unknown.add(new Unknown(child(keyPath, below), null, keyPath, List.of()));
          }
        }
      }
    }
  }

  /** The path of {@code key} (quoted as needed) below {@code path} ("" for the top). */
  private static String child(String path, String key) {
    return path.isEmpty() ? ConfigUtil.joinPath(key) : path + "." + ConfigUtil.joinPath(key);
  }

  /** Every key of the reference (full path to its last name), sections included, open ones not looked into. */
  private static void everyKey(ConfigObject reference, String path, String relative, Set<String> open,
      Map<String, String> into) {
    for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
      String keyPath = child(path, e.getKey());
      String keyRelative = child(relative, e.getKey());
      into.put(keyPath, e.getKey());
      if (e.getValue().valueType() == ConfigValueType.OBJECT && !open.contains(keyRelative)) {
        everyKey((ConfigObject) e.getValue(), keyPath, keyRelative, open, into);
      }
    }
  }

  /**
   * The nearest of the section's own keys if one is near, else the nearest key of the whole
   * reference by its last name (a setting written in the wrong section), else null. Ties go to
   * the first in alphabetical order, so the suggestion is the same at every start.
   */
  private static String nearest(String key, String path, List<String> siblings, Map<String, String> everywhere) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String sibling : siblings) {
      int d = distance(key, sibling);
      if (d < bestDistance) {
        best = child(path, sibling);
        bestDistance = d;
      }
    }
    if (best != null && near(key, bestDistance)) {
      return best;
    }
    best = null;
    bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, String> e : everywhere.entrySet()) {
      int d = distance(key, e.getValue());
      if (d < bestDistance) {
        best = e.getKey();
        bestDistance = d;
      }
    }
    return best != null && near(key, bestDistance) ? best : null;
  }

  /** Close enough to be a slip of the keyboard rather than another word. */
  private static boolean near(String key, int distance) {
    return distance <= Math.max(2, key.length() / 4) && distance < key.length();
  }

  /**
   * Edit distance counting an insertion, a deletion, a substitution or a swap of two adjacent
   * characters as one edit (optimal string alignment): "timoeut" is one edit from "timeout".
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
