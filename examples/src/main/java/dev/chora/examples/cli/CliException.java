package dev.chora.examples.cli;

/** Bad input (a flag, a value, a config file, a port in use): reported as one clear line, exit code 2. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
