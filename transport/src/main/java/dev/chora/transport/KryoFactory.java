package dev.chora.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import dev.chora.runtime.message.AckMessage;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.DoViewChange;
import dev.chora.runtime.message.ForwardRefused;
import dev.chora.runtime.message.ForwardedRequest;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Recovery;
import dev.chora.runtime.message.RecoveryResponse;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.message.RoundMessage;
import dev.chora.runtime.message.RoundSlots;
import dev.chora.runtime.message.SlotRequest;
import dev.chora.runtime.message.SlotTransfer;
import dev.chora.runtime.message.StartView;
import dev.chora.runtime.message.StartViewChange;
import dev.chora.runtime.message.StateRequest;
import dev.chora.runtime.message.StateTransfer;
import dev.chora.runtime.message.ViewRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Kryo instances the codec pools, and owns the class id table.
 *
 * <p>The ids are part of the wire format: a replica reads the id to know which layout follows.
 * NEVER renumber or reuse an id; to retire a class, delete its row and leave the gap (note it in
 * the table below). New classes take the next free id in their range. Kryo's own built-in
 * registrations (ids 0-9, primitives and String) are not messages and are refused by the codec.
 *
 * <pre>
 *   id  class                 id  class
 *   20  RoundMessage          40  Request
 *   21  AckMessage            41  ReadRequest
 *   22  SlotRequest           42  ClientReply
 *   23  SlotTransfer          43  ClientBatch
 *   24  StartViewChange       44  ClientReplies
 *   25  DoViewChange
 *   26  StartView             50  Batch
 *                             51  RoundSlots
 *   27  ViewRequest           retired ids: none
 *   28  StateRequest
 *   29  StateTransfer
 *   30  Recovery
 *   31  RecoveryResponse
 *   32  ForwardedRequest      (the leader proposer policy, a baseline)
 *   33  ForwardRefused
 * </pre>
 */
final class KryoFactory {
  /** One row of the id table. */
  record Entry(int id, Class<?> type, Serializer<?> serializer) {}

  static final List<Entry> TABLE = List.of(
      new Entry(20, RoundMessage.class, PeerMessageSerializers.ROUND_MESSAGE),
      new Entry(21, AckMessage.class, PeerMessageSerializers.ACK_MESSAGE),
      new Entry(22, SlotRequest.class, PeerMessageSerializers.SLOT_REQUEST),
      new Entry(23, SlotTransfer.class, PeerMessageSerializers.SLOT_TRANSFER),
      new Entry(24, StartViewChange.class, PeerMessageSerializers.START_VIEW_CHANGE),
      new Entry(25, DoViewChange.class, PeerMessageSerializers.DO_VIEW_CHANGE),
      new Entry(26, StartView.class, PeerMessageSerializers.START_VIEW),
      new Entry(27, ViewRequest.class, PeerMessageSerializers.VIEW_REQUEST),
      new Entry(28, StateRequest.class, PeerMessageSerializers.STATE_REQUEST),
      new Entry(29, StateTransfer.class, PeerMessageSerializers.STATE_TRANSFER),
      new Entry(30, Recovery.class, PeerMessageSerializers.RECOVERY),
      new Entry(31, RecoveryResponse.class, PeerMessageSerializers.RECOVERY_RESPONSE),
      new Entry(32, ForwardedRequest.class, PeerMessageSerializers.FORWARDED_REQUEST),
      new Entry(33, ForwardRefused.class, PeerMessageSerializers.FORWARD_REFUSED),
      new Entry(40, Request.class, ClientMessageSerializers.REQUEST),
      new Entry(41, ReadRequest.class, ClientMessageSerializers.READ_REQUEST),
      new Entry(42, ClientReply.class, ClientMessageSerializers.CLIENT_REPLY),
      new Entry(43, ClientBatch.class, ClientMessageSerializers.CLIENT_BATCH),
      new Entry(44, ClientReplies.class, ClientMessageSerializers.CLIENT_REPLIES),
      new Entry(50, Batch.class, ClientMessageSerializers.BATCH),
      new Entry(51, RoundSlots.class, ClientMessageSerializers.ROUND_SLOTS));

  /** Ids below this are Kryo's built-in registrations. */
  static final int FIRST_ID = 20;

  private static final Map<Class<?>, Integer> ID_BY_TYPE = new HashMap<>();
  private static final Map<Integer, Class<?>> TYPE_BY_ID = new HashMap<>();

  static {
    for (Entry e : TABLE) {
      if (e.id() < FIRST_ID || TYPE_BY_ID.put(e.id(), e.type()) != null || ID_BY_TYPE.put(e.type(), e.id()) != null) {
        throw new IllegalStateException("duplicate or reserved id in the Chora id table: " + e);
      }
    }
  }

  private KryoFactory() {}

  /** A Kryo that knows exactly the classes of {@link #TABLE} and writes no back-references. */
  static Kryo newKryo() {
    Kryo kryo = new Kryo();
    // Unknown classes must fail, never be written by name: a name on the wire would let a peer
    // make us load arbitrary classes.
    kryo.setRegistrationRequired(true);
    // Messages are trees; reference tracking would only add bytes and per-message state.
    kryo.setReferences(false);
    for (Entry e : TABLE) {
      kryo.register(e.type(), e.serializer(), e.id());
    }
    return kryo;
  }

  /** The wire id of exactly this class, or null if it is not a Chora wire class. */
  static Integer idOf(Class<?> type) {
    return ID_BY_TYPE.get(type);
  }

  /** The class with this wire id, or null if none (Kryo's built-in ids included). */
  static Class<?> typeOf(int id) {
    return TYPE_BY_ID.get(id);
  }
}
