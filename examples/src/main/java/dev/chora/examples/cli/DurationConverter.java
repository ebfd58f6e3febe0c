package dev.chora.examples.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1.5s}; a bare number is seconds. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|µs|ms|s|m|min)?");

  @Override
  public Duration convert(String value) {
    Matcher m = P.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration like 30s, 500ms or 2m");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double nanos = switch (unit) {
      case "us", "µs" -> n * 1e3;
      case "ms" -> n * 1e6;
      case "s" -> n * 1e9;
      default -> n * 60e9;
    };
    return Duration.ofNanos((long) nanos);
  }

  /** As HOCON understands it (microseconds, exact). */
  public static String hocon(Duration d) {
    return (d.toNanos() / 1000) + "us";
  }
}
