package dev.chora.runtime.config;

import java.util.List;

/** A configuration that cannot work; the message lists every problem and how to fix it. */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super("invalid Chora configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
