package dev.chora.runtime.storage;

import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Log entries for the store's tests, and rounds described so that equal content compares equal. */
final class StoreEntries {
  private StoreEntries() {}

  static Batch batch(long client, int requests, int commandBytes) {
    List<Request> list = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      byte[] command = new byte[commandBytes];
      for (int b = 0; b < commandBytes; b++) {
        command[b] = (byte) (client * 31 + i * 7 + b);
      }
      list.add(new Request(client, i + 1, command));
    }
    return Batch.of(list);
  }

  static LogEntry.Slot slot(long round, int proposer, int proposers, long tag, Batch batch) {
    return new LogEntry.Slot(round, proposer, proposers, tag, batch);
  }

  static LogEntry.Round round(long round, int proposers, long tag, Batch... slots) {
    return new LogEntry.Round(new RoundSlots(round, proposers, tag, slots));
  }

  static LogEntry.ViewRecord view(long view) {
    return new LogEntry.ViewRecord(view, Math.max(0, view - 1), view, 0b111, view * 10);
  }

  /** A random entry of any kind for a cluster of {@code replicas}, about rounds near {@code around}. */
  static LogEntry random(Random random, int replicas, long around) {
    long round = Math.max(1, around + random.nextInt(5) - 2);
    int all = (1 << replicas) - 1;
    switch (random.nextInt(10)) {
      case 0:
        return new LogEntry.ClearAbove(Math.max(0, round - random.nextInt(4)));
      case 1:
        return view(1 + random.nextInt(20));
      case 2:
      case 3: {
        Batch[] slots = new Batch[replicas];
        for (int j = 0; j < replicas; j++) {
          slots[j] = random.nextInt(4) == 0 ? null : batch(random.nextInt(100), random.nextInt(3), random.nextInt(20));
        }
        long tag = random.nextInt(8) == 0 ? RoundSlots.COMMITTED : random.nextInt(20);
        return new LogEntry.Round(new RoundSlots(round, all, tag, slots));
      }
      default:
        return slot(round, random.nextInt(replicas), all, random.nextInt(20),
            batch(random.nextInt(100), random.nextInt(4), random.nextInt(30)));
    }
  }

  /** One line per round: its number, proposers, tag and every request's identity and command. */
  static List<String> describe(List<RoundSlots> rounds) {
    List<String> out = new ArrayList<>();
    for (RoundSlots rs : rounds) {
      StringBuilder s = new StringBuilder("round " + rs.round() + " proposers " + rs.proposers() + " tag " + rs.tag() + ":");
      for (Batch b : rs.slots()) {
        s.append(" [").append(describe(b)).append(']');
      }
      out.add(s.toString());
    }
    return out;
  }

  static String describe(Batch b) {
    if (b == null) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    for (Request r : b.requests()) {
      s.append(r.clientId()).append('#').append(r.seq()).append('=').append(HexFormat.of().formatHex(r.command())).append(' ');
    }
    return s.toString();
  }

  /** What a restart of entries {@code 1..upTo} above {@code snapshotRound} must hold. */
  static List<String> expectedRounds(List<LogEntry> entries, int upTo, long snapshotRound, int replicas)
      throws CorruptStorageException {
    RoundFold fold = new RoundFold(snapshotRound, replicas);
    for (int i = 0; i < upTo; i++) {
      fold.apply(entries.get(i), "model");
    }
    return describe(fold.rounds());
  }

  /** The latest view record among entries {@code 1..upTo}, or null. */
  static LogEntry.ViewRecord latestView(List<LogEntry> entries, int upTo) {
    LogEntry.ViewRecord v = null;
    for (int i = 0; i < upTo; i++) {
      if (entries.get(i) instanceof LogEntry.ViewRecord r) {
        v = r;
      }
    }
    return v;
  }
}
