package dev.chora.transport;

import static dev.chora.transport.Wire.MAX_REPLICAS;
import static dev.chora.transport.Wire.readInt;
import static dev.chora.transport.Wire.readLong;
import static dev.chora.transport.Wire.readLongs;
import static dev.chora.transport.Wire.writeInt;
import static dev.chora.transport.Wire.writeLong;
import static dev.chora.transport.Wire.writeLongs;

import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.message.ViewRequest;

/**
 * The layouts of the replica-to-replica messages: each writes its record components in
 * declaration order and reads them back in the same order (Java evaluates constructor arguments
 * left to right). Changing a layout changes the wire format: bump {@link ChoraCodec#FORMAT_VERSION}.
 */
final class PeerMessageSerializers {
  private PeerMessageSerializers() {}

  static final WireSerializer<RoundMessage> ROUND_MESSAGE = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeLong(out, m.round());
        writeInt(out, m.from());
        Payloads.writeBatch(out, m.batch());
        writeLongs(out, m.ackVector());
        writeLong(out, m.executedRound());
        writeLong(out, m.checkRound());
        out.writeLong(m.checkDigest()); // a hash: fixed width, a varint would only grow it
      },
      in -> new RoundMessage(readLong(in), readLong(in), readInt(in), Payloads.readBatch(in),
          readLongs(in, "RoundMessage.ackVector", MAX_REPLICAS), readLong(in), readLong(in), in.readLong()));

  static final WireSerializer<AckMessage> ACK_MESSAGE = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeLong(out, m.currentRound());
        writeInt(out, m.from());
        writeLongs(out, m.ackVector());
        writeLong(out, m.executedRound());
        writeLong(out, m.checkRound());
        out.writeLong(m.checkDigest());
      },
      in -> new AckMessage(readLong(in), readLong(in), readInt(in),
          readLongs(in, "AckMessage.ackVector", MAX_REPLICAS), readLong(in), readLong(in), in.readLong()));

  static final WireSerializer<SlotRequest> SLOT_REQUEST = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeInt(out, m.proposer());
        writeLong(out, m.fromRound());
        writeLong(out, m.toRound());
      },
      in -> new SlotRequest(readLong(in), readInt(in), readInt(in), readLong(in), readLong(in)));

  static final WireSerializer<SlotTransfer> SLOT_TRANSFER = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeInt(out, m.proposer());
        writeLong(out, m.firstRound());
        Payloads.writeBatches(out, m.batches(), "SlotTransfer.batches");
      },
      in -> new SlotTransfer(readLong(in), readInt(in), readInt(in), readLong(in),
          Payloads.readBatches(in, "SlotTransfer.batches")));

  static final WireSerializer<StartViewChange> START_VIEW_CHANGE = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.boundView());
      },
      in -> new StartViewChange(readLong(in), readInt(in), readLong(in)));

  static final WireSerializer<DoViewChange> DO_VIEW_CHANGE = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.lastNormalView());
        writeLong(out, m.executedRound());
        writeInt(out, m.part());
        writeInt(out, m.parts());
        Payloads.writeRounds(out, m.rounds(), "DoViewChange.rounds");
      },
      in -> new DoViewChange(readLong(in), readInt(in), readLong(in), readLong(in), readInt(in), readInt(in),
          Payloads.readRounds(in, "DoViewChange.rounds")));

  static final WireSerializer<StartView> START_VIEW = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeInt(out, m.activeSet());
        writeLong(out, m.firstRound());
        writeLong(out, m.executedThrough());
        writeInt(out, m.executedAt());
        writeInt(out, m.part());
        writeInt(out, m.parts());
        Payloads.writeRounds(out, m.decided(), "StartView.decided");
      },
      in -> new StartView(readLong(in), readInt(in), readInt(in), readLong(in), readLong(in), readInt(in),
          readInt(in), readInt(in), Payloads.readRounds(in, "StartView.decided")));

  static final WireSerializer<ViewRequest> VIEW_REQUEST = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
      },
      in -> new ViewRequest(readLong(in), readInt(in)));

  static final WireSerializer<StateRequest> STATE_REQUEST = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.fromRound());
        writeLong(out, m.minSnapshotRound());
        writeLong(out, m.snapshotRound());
        writeInt(out, m.snapshotOffset());
      },
      in -> new StateRequest(readLong(in), readInt(in), readLong(in), readLong(in), readLong(in), readInt(in)));

  /** rounds is null for a snapshot chunk and chunk is null for rounds: both are nullable. */
  static final WireSerializer<StateTransfer> STATE_TRANSFER = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        Payloads.writeRounds(out, m.rounds(), "StateTransfer.rounds");
        writeLong(out, m.snapshotRound());
        writeInt(out, m.snapshotSize());
        writeInt(out, m.chunkOffset());
        Wire.writeBytes(out, m.chunk());
      },
      in -> new StateTransfer(readLong(in), readInt(in), Payloads.readRounds(in, "StateTransfer.rounds"),
          readLong(in), readInt(in), readInt(in), Wire.readBytes(in, "StateTransfer.chunk", true)));

  static final WireSerializer<Recovery> RECOVERY = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.nonce());
        writeLong(out, m.afterView());
      },
      in -> new Recovery(readLong(in), readInt(in), readLong(in), readLong(in)));

  static final WireSerializer<RecoveryResponse> RECOVERY_RESPONSE = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.nonce());
      },
      in -> new RecoveryResponse(readLong(in), readInt(in), readLong(in)));

  /** The request is required: a forward without one is malformed. Its size is the core's to check (max-request-bytes). */
  static final WireSerializer<ForwardedRequest> FORWARDED_REQUEST = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        Payloads.writeRequest(out, m.request());
      },
      in -> new ForwardedRequest(readLong(in), readInt(in), Payloads.readRequest(in)));

  /** The status uses ClientReply's wire codes and is required: a refusal always says why. */
  static final WireSerializer<ForwardRefused> FORWARD_REFUSED = new WireSerializer<>(
      (out, m) -> {
        writeLong(out, m.view());
        writeInt(out, m.from());
        writeLong(out, m.clientId());
        writeLong(out, m.seq());
        out.writeByte(ClientMessageSerializers.statusCode(m.status()));
      },
      in -> new ForwardRefused(readLong(in), readInt(in), readLong(in), readLong(in), requiredStatus(in.readByte())));

  private static ClientReply.Status requiredStatus(byte code) {
    ClientReply.Status status = ClientMessageSerializers.status(code);
    if (status == null) {
      throw new MalformedMessageException("ForwardRefused.status: missing");
    }
    return status;
  }
}
