package dev.chora.transport;

import static dev.chora.transport.Wire.readCount;
import static dev.chora.transport.Wire.readLong;
import static dev.chora.transport.Wire.readInt;
import static dev.chora.transport.Wire.writeCount;
import static dev.chora.transport.Wire.writeInt;
import static dev.chora.transport.Wire.writeLong;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import java.util.List;

/**
 * Encodings of the values messages are made of: Request, Batch and RoundSlots. They are written
 * inline, without class ids, because the enclosing field fixes their type. The minimum sizes let
 * {@link Wire#readCount} refuse a count the remaining bytes cannot possibly hold.
 */
final class Payloads {
  /** clientId, seq and the command's length take at least one byte each. */
  static final int MIN_REQUEST_BYTES = 3;
  /** A null or empty batch is one byte. */
  static final int MIN_BATCH_BYTES = 1;
  /** round, proposers, tag and the slot count take at least one byte each. */
  static final int MIN_ROUND_SLOTS_BYTES = 4;

  private Payloads() {}

  static void writeRequest(Output out, Request request) {
    writeLong(out, request.clientId());
    writeLong(out, request.seq());
    Wire.writeBytes(out, request.command());
  }

  static Request readRequest(Input in) {
    long clientId = readLong(in);
    long seq = readLong(in);
    return new Request(clientId, seq, Wire.readBytes(in, "Request.command", false));
  }

  /** A batch, or null: RoundSlots marks a slot it does not hold with null. */
  static void writeBatch(Output out, Batch batch) {
    if (batch == null) {
      writeCount(out, -1);
      return;
    }
    List<Request> requests = batch.requests();
    writeCount(out, requests.size());
    for (Request r : requests) {
      writeRequest(out, r);
    }
  }

  static Batch readBatch(Input in) {
    int count = readCount(in, "Batch.requests", MIN_REQUEST_BYTES, Integer.MAX_VALUE);
    if (count < 0) {
      return null;
    }
    if (count == 0) {
      return Batch.EMPTY;
    }
    Request[] requests = new Request[count];
    for (int i = 0; i < count; i++) {
      requests[i] = readRequest(in);
    }
    return Batch.of(List.of(requests));
  }

  static void writeRoundSlots(Output out, RoundSlots rs) {
    writeLong(out, rs.round());
    writeInt(out, rs.proposers());
    writeLong(out, rs.tag());
    Batch[] slots = rs.slots();
    if (slots == null) {
      writeCount(out, -1);
      return;
    }
    Wire.checkReplicas(slots.length, "RoundSlots.slots");
    writeCount(out, slots.length);
    for (Batch b : slots) {
      writeBatch(out, b);
    }
  }

  static RoundSlots readRoundSlots(Input in) {
    long round = readLong(in);
    int proposers = readInt(in);
    long tag = readLong(in);
    int length = readCount(in, "RoundSlots.slots", MIN_BATCH_BYTES, Wire.MAX_REPLICAS);
    Batch[] slots = null;
    if (length >= 0) {
      slots = new Batch[length];
      for (int j = 0; j < length; j++) {
        slots[j] = readBatch(in);
      }
    }
    return new RoundSlots(round, proposers, tag, slots);
  }

  static void writeBatches(Output out, List<Batch> batches, String what) {
    Wire.writeList(out, batches, what, Payloads::writeBatch);
  }

  static List<Batch> readBatches(Input in, String what) {
    return Wire.readList(in, what, MIN_BATCH_BYTES, Payloads::readBatch);
  }

  static void writeRounds(Output out, List<RoundSlots> rounds, String what) {
    Wire.writeList(out, rounds, what, Payloads::writeRoundSlots);
  }

  static List<RoundSlots> readRounds(Input in, String what) {
    return Wire.readList(in, what, MIN_ROUND_SLOTS_BYTES, Payloads::readRoundSlots);
  }
}
