package dev.chora.transport;

import static dev.chora.transport.Wire.readLong;
import static dev.chora.transport.Wire.writeLong;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundSlots;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The layouts of the client-facing messages, plus top-level forms of Batch and RoundSlots (which
 * otherwise travel only inside peer messages). Changing a layout changes the wire format: bump
 * {@link ChoraCodec#FORMAT_VERSION}.
 */
final class ClientMessageSerializers {
  private ClientMessageSerializers() {}

  /** clientId, seq, status and an empty result take at least this many bytes. */
  private static final int MIN_REPLY_BYTES = 4;

  static final WireSerializer<Request> REQUEST =
      new WireSerializer<>(Payloads::writeRequest, Payloads::readRequest);

  static final WireSerializer<ReadRequest> READ_REQUEST = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.clientId());
        writeLong(out, m.seq());
        Wire.writeBytes(out, m.query());
      },
      in -> new ReadRequest(readLong(in), readLong(in), Wire.readBytes(in, "ReadRequest.query", false)));

  static final WireSerializer<ClientReply> CLIENT_REPLY = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.clientId());
        writeLong(out, m.seq());
        out.writeByte(statusCode(m.status()));
        Wire.writeBytes(out, m.result());
      },
      in -> new ClientReply(readLong(in), readLong(in), status(in.readByte()),
          Wire.readBytes(in, "ClientReply.result", true)));

  static final WireSerializer<ClientBatch> CLIENT_BATCH = new WireSerializer<>(
      (out, m) -> {
        Wire.writeBytes(out, m.replyTo().getBytes(StandardCharsets.UTF_8));
        Wire.writeList(out, m.requests(), "ClientBatch.requests", Payloads::writeRequest);
        Wire.writeList(out, m.reads(), "ClientBatch.reads", (o, r) -> READ_REQUEST.write(null, o, r));
      },
      in -> {
        String replyTo = new String(Wire.readBytes(in, "ClientBatch.replyTo", false), StandardCharsets.UTF_8);
        List<Request> requests = Wire.readList(in, "ClientBatch.requests", Payloads.MIN_REQUEST_BYTES,
            Payloads::readRequest);
        List<ReadRequest> reads = Wire.readList(in, "ClientBatch.reads", Payloads.MIN_REQUEST_BYTES,
            i -> READ_REQUEST.read(null, i, ReadRequest.class));
        if (requests == null || reads == null) {
          throw new MalformedMessageException("ClientBatch: null list");
        }
        return new ClientBatch(replyTo, requests, reads);
      });

  static final WireSerializer<ClientReplies> CLIENT_REPLIES = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        Wire.writeInt(out, m.activeSet());
        Wire.writeList(out, m.replies(), "ClientReplies.replies", (o, r) -> CLIENT_REPLY.write(null, o, r));
      },
      in -> {
        long view = readLong(in);
        int activeSet = Wire.readInt(in);
        List<ClientReply> replies = Wire.readList(in, "ClientReplies.replies", MIN_REPLY_BYTES,
            i -> CLIENT_REPLY.read(null, i, ClientReply.class));
        if (replies == null) {
          throw new MalformedMessageException("ClientReplies: null list");
        }
        return new ClientReplies(view, activeSet, replies);
      });

  /** Only a whole batch at top level; a null batch exists only inside RoundSlots. */
  static final WireSerializer<Batch> BATCH = new WireSerializer<>(Payloads::writeBatch, in -> {
    Batch batch = Payloads.readBatch(in);
    if (batch == null) {
      throw new MalformedMessageException("Batch: null at top level");
    }
    return batch;
  });

  static final WireSerializer<RoundSlots> ROUND_SLOTS =
      new WireSerializer<>(Payloads::writeRoundSlots, Payloads::readRoundSlots);

  /**
   * Explicit wire codes, not ordinals, so reordering the enum cannot change the meaning of bytes.
   * The switch has no default: a new Status fails compilation here until it is given a code.
   */
  static byte statusCode(ClientReply.Status status) {
    if (status == null) {
      return 0;
    }
    return switch (status) {
      case OK -> 1;
      case OVERLOADED -> 2;
      case REQUEST_TOO_LARGE -> 3;
      case NOT_ACTIVE -> 4;
      case REPLY_TOO_LARGE -> 5;
      case SESSION_EXPIRED -> 6;
    };
  }

  static ClientReply.Status status(byte code) {
    return switch (code) {
      case 0 -> null;
      case 1 -> ClientReply.Status.OK;
      case 2 -> ClientReply.Status.OVERLOADED;
      case 3 -> ClientReply.Status.REQUEST_TOO_LARGE;
      case 4 -> ClientReply.Status.NOT_ACTIVE;
      case 5 -> ClientReply.Status.REPLY_TOO_LARGE;
      case 6 -> ClientReply.Status.SESSION_EXPIRED;
      default -> throw new MalformedMessageException("ClientReply.status: unknown code " + code);
    };
  }
}
