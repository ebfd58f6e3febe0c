package dev.chora.multijvm.upgrade;

import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.actors.entity.ReplicatedEntity;
import dev.chora.multijvm.NodeSetup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An application's entity in two versions: version 1 knows {@link Append}; version 2 adds
 * {@link Stamp}. The classes are on every classpath; what the replicas lack is the manifest in
 * their serializer ({@link VersionedSerializer}), as after a rolling upgrade that reached a client
 * node first.
 */
public final class Journal implements ReplicatedEntity<Journal.Command, Journal.Lines> {
  public sealed interface Command permits Append, Stamp {}

  /** Version 1: appends a line. */
  public record Append(String line) implements Command {}

  /** Version 2 only: appends a line with a stamp. */
  public record Stamp(String line) implements Command {}

  public record Lines(List<String> lines) {}

  public static final EntityTypeKey<Command, Lines> KEY = EntityTypeKey.create("journal", Command.class, Lines.class);

  private final List<String> lines = new ArrayList<>();

  @Override
  public Lines handle(Command command) {
    lines.add(command instanceof Stamp s ? "stamped " + s.line() : ((Append) command).line());
    return new Lines(List.copyOf(lines));
  }

  @Override
  public byte[] snapshot() {
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void restore(byte[] snapshot) {
    lines.clear();
    String s = new String(snapshot, StandardCharsets.UTF_8);
    if (!s.isEmpty()) {
      lines.addAll(Arrays.asList(s.split("\n")));
    }
  }

  /** What every replica JVM hosts. */
  public static final class Setup implements NodeSetup {
    @Override
    public List<EntityType<?, ?>> entityTypes() {
      return List.of(EntityType.of(KEY, id -> new Journal()));
    }
  }
}
