package dev.chora.actors.entity;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A replicated entity type, declared once: its key and how to create an entity for an id. The
 * factory may return any subtype of {@link ReplicatedEntity}, so that a lambda returning the
 * entity's own class is taken as it is (Scala infers {@code String => Ledger} for one).
 */
public record EntityType<C, R>(EntityTypeKey<C, R> key, Function<String, ? extends ReplicatedEntity<C, R>> factory) {
  public EntityType {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(factory, "factory");
  }

  /**
   * An entity type whose entities are typed behaviors: each receives its committed commands in
   * order as {@link EntityMessage.Command} (with the reply-to its answer goes to) and snapshot
   * requests as {@link EntityMessage.TakeSnapshot}. {@code factory} makes an entity's behavior
   * from its id and a snapshot to restore, or null for a new entity. The behavior must be
   * deterministic: every replica runs it on the same commands and must reach the same state.
   */
  public static <C, R> EntityType<C, R> ofBehavior(EntityTypeKey<C, R> key,
      BiFunction<String, byte[], Behavior<EntityMessage<C, R>>> factory) {
    Objects.requireNonNull(factory, "factory");
    return new EntityType<>(key, id -> new BehaviorEntity<>(id, factory));
  }

  public static <C, R> EntityType<C, R> of(EntityTypeKey<C, R> key,
      Function<String, ? extends ReplicatedEntity<C, R>> factory) {
    return new EntityType<>(key, factory);
  }
}
