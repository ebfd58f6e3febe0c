package dev.chora.actors.entity;

import java.util.Objects;

/**
 * Names a replicated entity type, with the classes of its commands and replies; used to declare
 * the type once ({@link EntityType}) and to address its entities ({@code entityRefFor}).
 */
public record EntityTypeKey<C, R>(String name, Class<C> commandClass, Class<R> replyClass) {
  public EntityTypeKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(commandClass, "commandClass");
    Objects.requireNonNull(replyClass, "replyClass");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an entity type key needs a non-blank name");
    }
    if (name.length() > Envelope.MAX_NAME_CHARS) {
      throw new IllegalArgumentException("an entity type's name may have at most " + Envelope.MAX_NAME_CHARS
          + " characters, not " + name.length());
    }
  }

  public static <C, R> EntityTypeKey<C, R> create(String name, Class<C> commandClass, Class<R> replyClass) {
    return new EntityTypeKey<>(name, commandClass, replyClass);
  }
}
