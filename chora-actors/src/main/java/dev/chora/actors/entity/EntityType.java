package dev.chora.actors.entity;

import java.util.Objects;
import java.util.function.Function;

/** A replicated entity type, declared once: its key and how to create an entity for an id. */
public record EntityType<C, R>(EntityTypeKey<C, R> key, Function<String, ReplicatedEntity<C, R>> factory) {
  public EntityType {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(factory, "factory");
  }

  public static <C, R> EntityType<C, R> of(EntityTypeKey<C, R> key, Function<String, ReplicatedEntity<C, R>> factory) {
    return new EntityType<>(key, factory);
  }
}
