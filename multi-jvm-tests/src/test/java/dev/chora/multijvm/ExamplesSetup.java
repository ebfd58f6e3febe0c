package dev.chora.multijvm;

import dev.chora.actors.entity.EntityType;
import dev.chora.examples.ExampleEntities;
import java.util.List;

/** Every replica JVM of the project's multi-JVM tests hosts the example entities: KV store, bank, counter. */
public final class ExamplesSetup implements NodeSetup {
  @Override
  public List<EntityType<?, ?>> entityTypes() {
    return ExampleEntities.all();
  }
}
