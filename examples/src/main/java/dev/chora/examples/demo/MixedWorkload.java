package dev.chora.examples.demo;

import dev.chora.actors.Chora;
import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.bench.ClosedLoop;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The demo's load: key-value puts, gets, compare-and-sets and deletes over a few shared keys, and
 * bank transfers between a few accounts, with an occasional read of the bank's total, which must
 * always equal what the accounts were opened with (else it counts an invariant violation), and
 * writes to keys of their own recorded in a {@link DurabilityLedger} once acknowledged. {@link
 * #bind} moves it to another client node (after every replica was restarted, the old one's cluster
 * is gone); its counts and ledger go on.
 */
public final class MixedWorkload implements ClosedLoop.OpSource {
  public static final int KV_SHARDS = 4;
  public static final int KEYS = 50;
  public static final int ACCOUNTS = 10;
  public static final long OPENING_BALANCE = 1_000;
  public static final String BANK_ID = "demo-bank";

  private volatile EntityRef<KvCommand, KvReply>[] kv;
  private volatile EntityRef<BankCommand, BankReply> bank;
  private volatile EntityRef<KvCommand, KvReply>[] ledgerShards;
  private final DurabilityLedger ledger = new DurabilityLedger();
  private final Duration timeout;
  private final SplittableRandom seed = new SplittableRandom(7);
  private final ThreadLocal<SplittableRandom> random = ThreadLocal.withInitial(this::split);
  private final AtomicLong counter = new AtomicLong();
  /** The last value each worker saw per key, for meaningful compare-and-sets. */
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
  private final AtomicLong totalChecks = new AtomicLong();
  private final AtomicLong totalViolations = new AtomicLong();
  private final AtomicLong transfersDone = new AtomicLong();

  public MixedWorkload(ActorSystem<?> system, Duration timeout) {
    this.timeout = timeout;
    bind(system);
  }

  /** From now on, sends through {@code system}'s gateway (a client node started anew). */
  @SuppressWarnings("unchecked")
  public void bind(ActorSystem<?> system) {
    EntityRef<KvCommand, KvReply>[] refs = new EntityRef[KV_SHARDS];
    for (int s = 0; s < KV_SHARDS; s++) {
      refs[s] = Chora.get(system).entityRefFor(ExampleEntities.KV, "demo-kv-" + s);
    }
    this.kv = refs;
    this.bank = Chora.get(system).entityRefFor(ExampleEntities.BANK, BANK_ID);
    this.ledgerShards = DurabilityLedger.entities(system);
  }

  /** The writes to keys of their own acknowledged so far. */
  public DurabilityLedger ledger() {
    return ledger;
  }

  private synchronized SplittableRandom split() {
    return seed.split();
  }

  public static long expectedTotal() {
    return ACCOUNTS * OPENING_BALANCE;
  }

  public EntityRef<BankCommand, BankReply> bank() {
    return bank;
  }

  /** Opens the accounts (once, before the load). */
  public void openAccounts() throws Exception {
    List<CompletableFuture<BankReply>> opens = new java.util.ArrayList<>();
    for (int a = 0; a < ACCOUNTS; a++) {
      opens.add(bank.ask(new BankCommand.Open("acct-" + a, OPENING_BALANCE), Duration.ofSeconds(30))
          .toCompletableFuture());
    }
    for (CompletableFuture<BankReply> f : opens) {
      BankReply r = f.get(60, TimeUnit.SECONDS);
      if (!r.ok()) {
        throw new IllegalStateException("could not open an account: " + r.error());
      }
    }
  }

  @Override
  public ClosedLoop.Op start(int worker) {
    SplittableRandom r = random.get();
    double p = r.nextDouble();
    if (p < 0.55) {
      int k = r.nextInt(KEYS);
      String key = "k" + k;
      EntityRef<KvCommand, KvReply> shard = kv[k % KV_SHARDS];
      String mine = "w" + worker + "-" + counter.incrementAndGet();
      if (p < 0.20) {
        return new ClosedLoop.Op("put", key, mine, shard.ask(new KvCommand.Put(key, mine), timeout)
            .thenApply(x -> ClosedLoop.Result.ok("previous=" + x.value())));
      } else if (p < 0.40) {
        return new ClosedLoop.Op("get", key, null, shard.askRead(new KvCommand.Get(key), timeout).thenApply(x -> {
          if (x.value() != null) {
            lastSeen.put(key, x.value());
          } else {
            lastSeen.remove(key);
          }
          return ClosedLoop.Result.ok(x.ok() ? "value=" + x.value() : "absent");
        }));
      } else if (p < 0.50) {
        String expected = lastSeen.get(key);
        return new ClosedLoop.Op("cas", key, "[" + expected + " " + mine + "]",
            shard.ask(new KvCommand.CompareAndSet(key, expected, mine), timeout).thenApply(x -> x.ok()
                ? ClosedLoop.Result.ok("swapped") : ClosedLoop.Result.fail("current=" + x.value())));
      } else {
        return new ClosedLoop.Op("delete", key, null, shard.ask(new KvCommand.Delete(key), timeout)
            .thenApply(x -> ClosedLoop.Result.ok(x.ok() ? "deleted=" + x.value() : "absent")));
      }
    }
    if (p < 0.60) {
      return ledger.start(ledgerShards, worker, timeout);
    }
    if (p < 0.95) {
      String from = "acct-" + r.nextInt(ACCOUNTS);
      String to = "acct-" + r.nextInt(ACCOUNTS);
      long amount = 1 + r.nextInt(200);
      return new ClosedLoop.Op("transfer", from + "->" + to, Long.toString(amount),
          bank.ask(new BankCommand.Transfer(from, to, amount), timeout).thenApply(x -> {
            if (x.ok()) {
              transfersDone.incrementAndGet();
              return ClosedLoop.Result.ok("from-balance=" + x.value());
            }
            return ClosedLoop.Result.fail(x.error());
          }));
    }
    return new ClosedLoop.Op("total", BANK_ID, null, bank.ask(new BankCommand.GetTotal(), timeout).thenApply(x -> {
      totalChecks.incrementAndGet();
      if (x.value() != expectedTotal()) {
        totalViolations.incrementAndGet();
      }
      return ClosedLoop.Result.ok("total=" + x.value());
    }));
  }

  /** Reads of the bank's total that did not equal the opening total (must stay 0). */
  public long invariantViolations() {
    return totalViolations.get();
  }

  public long totalChecks() {
    return totalChecks.get();
  }

  public long transfersDone() {
    return transfersDone.get();
  }
}
