package dev.chora.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chora.examples.bank.Bank;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankEntity;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.CounterEntity;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvEntity;
import dev.chora.examples.kv.KvReply;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The example entities are pure and deterministic: tested directly, without Pekko. */
class EntitiesTest {
  @Test
  void keyValuePutGetDelete() {
    KvEntity kv = new KvEntity();
    assertEquals(new KvReply(false, null), kv.handle(new KvCommand.Get("a")));
    assertEquals(new KvReply(true, null), kv.handle(new KvCommand.Put("a", "1")));
    assertEquals(new KvReply(true, "1"), kv.handle(new KvCommand.Put("a", "2")));
    assertEquals(new KvReply(true, "2"), kv.handle(new KvCommand.Get("a")));
    assertEquals(new KvReply(true, "2"), kv.handle(new KvCommand.Delete("a")));
    assertEquals(new KvReply(false, null), kv.handle(new KvCommand.Delete("a")));
    assertEquals(new KvReply(false, null), kv.handle(new KvCommand.Get("a")));
    assertEquals(0, kv.size());
  }

  @Test
  void keyValueCompareAndSet() {
    KvEntity kv = new KvEntity();
    // null expected: only if absent
    assertEquals(new KvReply(true, "x"), kv.handle(new KvCommand.CompareAndSet("k", null, "x")));
    assertEquals(new KvReply(false, "x"), kv.handle(new KvCommand.CompareAndSet("k", null, "y")));
    assertEquals(new KvReply(false, "x"), kv.handle(new KvCommand.CompareAndSet("k", "z", "y")));
    assertEquals(new KvReply(true, "y"), kv.handle(new KvCommand.CompareAndSet("k", "x", "y")));
    assertEquals(new KvReply(true, "y"), kv.handle(new KvCommand.Get("k")));
    // null new value deletes
    assertEquals(new KvReply(true, null), kv.handle(new KvCommand.CompareAndSet("k", "y", null)));
    assertEquals(new KvReply(false, null), kv.handle(new KvCommand.Get("k")));
    assertThrows(IllegalArgumentException.class, () -> new KvCommand.Put("k", null));
    assertThrows(IllegalArgumentException.class, () -> new KvCommand.Get(null));
  }

  /** The snapshot buffer is sized from the previous snapshot; the bytes must not depend on that. */
  @Test
  void keyValueSnapshotsDoNotDependOnEarlierSnapshots() {
    KvEntity shrinking = new KvEntity();
    for (int i = 0; i < 1000; i++) {
      shrinking.handle(new KvCommand.Put("k" + i, "v".repeat(i % 70)));
    }
    byte[] big = shrinking.snapshot();
    for (int i = 10; i < 1000; i++) {
      shrinking.handle(new KvCommand.Delete("k" + i));
    }
    KvEntity fresh = new KvEntity();
    for (int i = 0; i < 10; i++) {
      fresh.handle(new KvCommand.Put("k" + i, "v".repeat(i % 70)));
    }
    assertArrayEquals(fresh.snapshot(), shrinking.snapshot());
    KvEntity growing = new KvEntity();
    growing.snapshot();
    growing.restore(big);
    assertArrayEquals(big, growing.snapshot());
  }

  @Test
  void keyValueSnapshotRoundTripAndDeterminism() {
    KvEntity a = new KvEntity();
    KvEntity b = new KvEntity();
    // Same keys in different insertion orders give the same snapshot bytes.
    for (int i = 0; i < 100; i++) {
      a.handle(new KvCommand.Put("k" + i, "v" + i + "é"));
      b.handle(new KvCommand.Put("k" + (99 - i), "v" + (99 - i) + "é"));
    }
    // "Aa" and "BB" have the same hash code: a hash map keeps them in insertion order.
    a.handle(new KvCommand.Put("Aa", "1"));
    a.handle(new KvCommand.Put("BB", "2"));
    b.handle(new KvCommand.Put("BB", "2"));
    b.handle(new KvCommand.Put("Aa", "1"));
    assertArrayEquals(a.snapshot(), b.snapshot());
    KvEntity c = new KvEntity();
    c.handle(new KvCommand.Put("stale", "gone after restore"));
    c.restore(a.snapshot());
    assertArrayEquals(a.snapshot(), c.snapshot());
    assertEquals(new KvReply(true, "v42é"), c.handle(new KvCommand.Get("k42")));
    assertEquals(new KvReply(false, null), c.handle(new KvCommand.Get("stale")));
    assertThrows(IllegalArgumentException.class, () -> c.restore(new byte[] {0, 0, 0, 9}));
  }

  @Test
  void bankTransfersKeepTheTotal() {
    BankEntity bank = new BankEntity();
    for (int i = 0; i < 10; i++) {
      assertTrue(bank.handle(new BankCommand.Open("acct-" + i, 1_000)).ok());
    }
    assertFalse(bank.handle(new BankCommand.Open("acct-0", 5)).ok(), "opening twice is refused");
    Random random = new Random(7);
    int refused = 0;
    for (int i = 0; i < 10_000; i++) {
      BankReply r = bank.handle(new BankCommand.Transfer("acct-" + random.nextInt(10), "acct-" + random.nextInt(10),
          random.nextInt(700) - 50));
      if (!r.ok()) {
        refused++;
        assertTrue(r.error() != null && !r.error().isEmpty());
      }
      assertEquals(BankReply.ok(10_000), bank.handle(new BankCommand.GetTotal()));
    }
    assertTrue(refused > 0, "some transfers (same account, non-positive, insufficient funds) are refused");
    long sum = 0;
    for (int i = 0; i < 10; i++) {
      BankReply b = bank.handle(new BankCommand.GetBalance("acct-" + i));
      assertTrue(b.ok() && b.value() >= 0, "no balance goes negative: " + b);
      sum += b.value();
    }
    assertEquals(10_000, sum);
  }

  @Test
  void bankRefusesBadTransfers() {
    Bank bank = new Bank();
    bank.apply(new BankCommand.Open("a", 10));
    bank.apply(new BankCommand.Open("b", 0));
    assertFalse(bank.apply(new BankCommand.Transfer("a", "b", 11)).ok());
    assertFalse(bank.apply(new BankCommand.Transfer("a", "nobody", 1)).ok());
    assertFalse(bank.apply(new BankCommand.Transfer("nobody", "a", 1)).ok());
    assertFalse(bank.apply(new BankCommand.Transfer("a", "a", 1)).ok());
    assertFalse(bank.apply(new BankCommand.Transfer("a", "b", 0)).ok());
    assertFalse(bank.apply(new BankCommand.Transfer("a", "b", -3)).ok());
    assertFalse(bank.apply(new BankCommand.Open("c", -1)).ok());
    assertEquals(BankReply.ok(0), bank.apply(new BankCommand.Transfer("a", "b", 10)));
    assertEquals(BankReply.ok(10), bank.apply(new BankCommand.GetBalance("b")));
    assertEquals(10, bank.total());
    assertEquals(10, bank.sumOfBalances());
  }

  @Test
  void bankSnapshotRoundTrip() {
    Bank bank = new Bank();
    for (int i = 0; i < 5; i++) {
      bank.apply(new BankCommand.Open("acct-" + i, 100 * i));
    }
    bank.apply(new BankCommand.Transfer("acct-4", "acct-0", 250));
    Bank copy = Bank.fromSnapshot(bank.snapshot());
    assertArrayEquals(bank.snapshot(), copy.snapshot());
    assertEquals(1_000, copy.total());
    assertEquals(BankReply.ok(250), copy.apply(new BankCommand.GetBalance("acct-0")));
    assertEquals(0, Bank.fromSnapshot(null).accounts());
  }

  @Test
  @SuppressWarnings("unchecked")
  void bankAsABehaviorMatchesThePlainBankCommandForCommand() {
    dev.chora.actors.entity.EntityType<?, ?> type = ExampleEntities.all().stream()
        .filter(t -> t.key().equals(ExampleEntities.BANK)).findFirst().orElseThrow();
    dev.chora.actors.entity.ReplicatedEntity<BankCommand, BankReply> actor =
        (dev.chora.actors.entity.ReplicatedEntity<BankCommand, BankReply>) type.factory().apply("bank-1");
    BankEntity plain = new BankEntity();
    Random random = new Random(11);
    for (int i = 0; i < 5; i++) {
      BankCommand open = new BankCommand.Open("acct-" + i, 500);
      assertEquals(plain.handle(open), actor.handle(open));
    }
    for (int i = 0; i < 2_000; i++) {
      BankCommand c = random.nextInt(10) == 0 ? new BankCommand.GetTotal()
          : new BankCommand.Transfer("acct-" + random.nextInt(5), "acct-" + random.nextInt(5), random.nextInt(400));
      assertEquals(plain.handle(c), actor.handle(c), "command " + i + ": " + c);
    }
    assertArrayEquals(plain.snapshot(), actor.snapshot());
    assertEquals(BankReply.ok(2_500), actor.handle(new BankCommand.GetTotal()));
    // Restored from a snapshot, the actor goes on exactly as the plain bank does.
    dev.chora.actors.entity.ReplicatedEntity<BankCommand, BankReply> restored =
        (dev.chora.actors.entity.ReplicatedEntity<BankCommand, BankReply>) type.factory().apply("bank-1");
    restored.restore(plain.snapshot());
    BankCommand t = new BankCommand.Transfer("acct-0", "acct-1", 1);
    assertEquals(plain.handle(t), restored.handle(t));
    assertArrayEquals(plain.snapshot(), restored.snapshot());
  }

  @Test
  void counter() {
    CounterEntity c = new CounterEntity();
    assertEquals(5, c.handle(new Add(5)).value());
    assertEquals(3, c.handle(new Add(-2)).value());
    CounterEntity d = new CounterEntity();
    d.restore(c.snapshot());
    assertEquals(3, d.handle(new Add(0)).value());
    assertThrows(ArithmeticException.class, () -> d.handle(new Add(Long.MAX_VALUE)));
    assertNull(null);
  }
}
