package dev.chora.multijvm.faults;

import dev.chora.actors.entity.EntityCommandFailedException;
import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.bench.ClosedLoop;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.multijvm.ChoraCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Concurrent load from the test JVM through the cluster, as an application node would send it:
 * key-value clients (put, get, compare-and-set on a few keys spread over a few entities, each client
 * one operation at a time) and bank clients (transfers between accounts), every operation recorded
 * in a {@link History}. A timed-out operation is recorded as unknown and the client goes on with a
 * new one, as a Jepsen process that crashed and was replaced.
 */
final class Workload implements AutoCloseable {
  static final long INITIAL_BALANCE = 1_000;

  private final ChoraCluster cluster;
  private final String prefix;
  private final int keys;
  private final int accounts;
  private final Duration opTimeout;
  private final History history;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  /**
   * @param prefix names this workload's keys, entities and accounts, so that several workloads on
   *               one cluster (one per fault) have independent histories
   */
  Workload(ChoraCluster cluster, String prefix, int keys, int accounts, Duration opTimeout) throws Exception {
    this.cluster = cluster;
    this.prefix = prefix;
    this.keys = keys;
    this.accounts = accounts;
    this.opTimeout = opTimeout;
    this.history = new History(cluster.logDirectory().resolve("history-" + prefix + ".jsonl"));
  }

  Path historyFile() {
    return cluster.logDirectory().resolve("history-" + prefix + ".jsonl");
  }

  History history() {
    return history;
  }

  String key(int i) {
    return prefix + "-k" + i;
  }

  List<String> keyNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      names.add(key(i));
    }
    return names;
  }

  EntityRef<KvCommand, KvReply> kvEntity(String key) {
    int k = Integer.parseInt(key.substring(key.lastIndexOf('k') + 1));
    return cluster.entityRefFor(ExampleEntities.KV, prefix + "-kv-" + (k % 3));
  }

  EntityRef<BankCommand, BankReply> bank() {
    return cluster.entityRefFor(ExampleEntities.BANK, prefix + "-bank");
  }

  String account(int i) {
    return "acct-" + i;
  }

  /** Opens the accounts (before the load): each with {@link #INITIAL_BALANCE}. */
  void openAccounts() throws Exception {
    for (int i = 0; i < accounts; i++) {
      BankReply r = bank().ask(new BankCommand.Open(account(i), INITIAL_BALANCE), Duration.ofSeconds(30))
          .toCompletableFuture().get(35, TimeUnit.SECONDS);
      if (!r.ok()) {
        throw new IllegalStateException("cannot open " + account(i) + ": " + r.error());
      }
    }
  }

  long expectedBankTotal() {
    return accounts * INITIAL_BALANCE;
  }

  /** Starts {@code kvClients} key-value clients and {@code bankClients} bank clients. */
  void start(int kvClients, int bankClients, long seed) {
    running = true;
    for (int c = 0; c < kvClients; c++) {
      int client = c;
      Thread t = new Thread(() -> kvClient(client, new Random(seed * 31 + client)), "kv-client-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    for (int c = 0; c < bankClients; c++) {
      int client = 1000 + c;
      Thread t = new Thread(() -> bankClient(client, new Random(seed * 37 + client)), "bank-client-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** Stops the clients; each finishes (or times out) its current operation. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(opTimeout.toMillis() + 10_000);
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop");
      }
    }
    threads.clear();
  }

  @Override
  public void close() {
    try {
      if (running) {
        stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      history.close();
    }
  }

  // ---- the clients ----------------------------------------------------------------------------

  private void kvClient(int client, Random random) {
    long seq = 0;
    Map<String, Long> seen = new HashMap<>();
    while (running) {
      String key = key(random.nextInt(keys));
      long value = client * 1_000_000_000L + (++seq);
      int dice = random.nextInt(10);
      Long expected = seen.get(key);
      if (dice < 3) {
        Outcome<KvReply> o = call(() -> kvEntity(key).askRead(new KvCommand.Get(key), opTimeout));
        Long result = o.reply != null && o.reply.ok() ? Long.valueOf(o.reply.value()) : null;
        history.add(new History.Op(client, "get", key, null, null, o.invokeNs, o.completeNs, o.type,
            "ok".equals(o.type) ? result : null), o.text);
        if (result != null) {
          seen.put(key, result);
        }
      } else if (dice < 5 && expected != null) {
        Outcome<KvReply> o = call(() -> kvEntity(key).ask(
            new KvCommand.CompareAndSet(key, Long.toString(expected), Long.toString(value)), opTimeout));
        Long result = o.reply == null ? null : (o.reply.ok() ? 1L : 0L);
        history.add(new History.Op(client, "cas", key, value, expected, o.invokeNs, o.completeNs, o.type, result),
            o.text);
        if (o.reply != null) {
          if (o.reply.value() != null) {
            seen.put(key, Long.valueOf(o.reply.value()));
          } else {
            seen.remove(key);
          }
        }
      } else {
        Outcome<KvReply> o = call(() -> kvEntity(key).ask(new KvCommand.Put(key, Long.toString(value)), opTimeout));
        history.add(new History.Op(client, "put", key, value, null, o.invokeNs, o.completeNs, o.type, null), o.text);
        if (o.reply != null) {
          seen.put(key, value);
        }
      }
    }
  }

  private void bankClient(int client, Random random) {
    while (running) {
      int from = random.nextInt(accounts);
      int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
      long amount = 1 + random.nextInt(50);
      Outcome<BankReply> o = call(() -> bank().ask(new BankCommand.Transfer(account(from), account(to), amount),
          opTimeout));
      history.add(new History.Op(client, "transfer", account(from) + "->" + account(to), amount, null, o.invokeNs,
          o.completeNs, o.type, null), o.text);
    }
  }

  /** An operation's outcome: reply (ok), or fail / info with the reason. */
  private static final class Outcome<R> {
    long invokeNs;
    long completeNs;
    String type;
    String text;
    R reply;
  }

  private interface Call<R> {
    java.util.concurrent.CompletionStage<R> ask();
  }

  private <R> Outcome<R> call(Call<R> call) {
    Outcome<R> o = new Outcome<>();
    o.invokeNs = System.nanoTime();
    try {
      o.reply = call.ask().toCompletableFuture().get(opTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      o.type = "ok";
      o.text = String.valueOf(o.reply);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RejectedExecutionException || c instanceof EntityCommandFailedException
          || ClosedLoop.refusedNotApplied(c)) {
        o.type = "fail"; // never sent, refused by the entity, or refused by the group on every attempt
      } else {
        o.type = "info"; // a timeout, or anything else: the command may still apply
      }
      o.text = String.valueOf(c);
    } catch (TimeoutException e) {
      o.type = "info";
      o.text = "no answer from the gateway";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o.type = "info";
      o.text = "interrupted";
    }
    o.completeNs = System.nanoTime();
    return o;
  }
}
