package dev.chora.examples;

import dev.chora.actors.entity.EntityType;
import dev.chora.actors.entity.EntityTypeKey;
import dev.chora.examples.bank.BankBehavior;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.CounterEntity;
import dev.chora.examples.counter.Total;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvEntity;
import dev.chora.examples.kv.KvReply;
import java.util.List;

/** The example entity types; every {@code chora node} hosts all of them. */
public final class ExampleEntities {
  private ExampleEntities() {}

  public static final EntityTypeKey<KvCommand, KvReply> KV = EntityTypeKey.create("kv", KvCommand.class, KvReply.class);
  public static final EntityTypeKey<BankCommand, BankReply> BANK =
      EntityTypeKey.create("bank", BankCommand.class, BankReply.class);
  public static final EntityTypeKey<Add, Total> COUNTER = EntityTypeKey.create("counter", Add.class, Total.class);

  /** Every example entity type, as each replica declares them. */
  public static List<EntityType<?, ?>> all() {
    return List.of(
        EntityType.of(KV, id -> new KvEntity()),
        // The bank is an actor: a typed Behavior fed committed commands (BankEntity is the plain version).
        EntityType.ofBehavior(BANK, BankBehavior::create),
        EntityType.of(COUNTER, id -> new CounterEntity()));
  }
}
