package dev.chora.actors.entity;

import dev.chora.actors.client.ChoraOverloadedException;
import dev.chora.actors.client.ChoraSessionExpiredException;
import dev.chora.actors.client.ClientGateway;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Sends entity commands through this node's {@link ClientGateway}. Exactly-once needs one request
 * outstanding per client id, so the client keeps a pool of sessions (client id and next seq): each
 * command takes one and gives it back when answered. The replicas assign a session's id when it is
 * opened, through the log, which costs one round trip: only when no idle session is at hand, so a
 * steady load opens none. A session whose command timed out or was refused (overloaded, session
 * expired) is dropped (the command may still apply; a new session never collides with it). A
 * command refused because its idle session had been forgotten, and certainly not applied, is sent
 * once more in a new session.
 */
public final class EntityClient {
  private final ActorRef<ClientGateway.Ask> gateway;
  private final Serialization serialization;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * Idle sessions, most recently answered on top. Last in, first out on purpose: a session's home
   * replica is fixed by its client id, so a command issued as another is answered (a closed loop,
   * a pipeline) reuses that session and goes back to the replica that just answered. A FIFO queue
   * would send the commands following one replica's batch of replies to every replica: one
   * network message per replica instead of one.
   */
  private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();
  /**
   * Reply addresses of openings: negative, so never a session's id, and from a random start, so
   * that the clients of one gateway do not share them.
   */
  private final AtomicLong nextOpeningAddress;
  private final int maxRequestBytes;
  /**
   * The answer each session waits for, so that they all fail at once when the gateway stops: an
   * ask still in the gateway's mailbox then would otherwise never complete.
   */
  private final Map<Long, CompletableFuture<ClientReply>> waiting = new ConcurrentHashMap<>();
  private volatile boolean gatewayStopped;

  /**
   * @param maxInFlight     commands waiting for their answer at most; past it, asks fail at once
   * @param maxRequestBytes the replicas' {@code chora.protocol.max-request-bytes}: a larger command
   *                        fails here, before it is sent
   */
  public EntityClient(ActorSystem<?> system, ActorRef<ClientGateway.Ask> gateway, int maxInFlight,
      int maxRequestBytes) {
    this.gateway = gateway;
    this.serialization = SerializationExtension.get(system);
    this.maxInFlight = maxInFlight;
    this.maxRequestBytes = maxRequestBytes;
    this.nextOpeningAddress = new AtomicLong(-ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE >> 1));
  }

  /** @throws IllegalArgumentException if the entity id is longer than 16,384 characters */
  public <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    Objects.requireNonNull(entityId, "entityId");
    if (entityId.length() > Envelope.MAX_NAME_CHARS) {
      throw new IllegalArgumentException("the entity id has " + entityId.length() + " characters; at most "
          + Envelope.MAX_NAME_CHARS + " are allowed");
    }
    return new EntityRef<>(this, key, entityId);
  }

  /**
   * The gateway has stopped (its actor system is shutting down): every waiting command fails, and
   * so does every later one.
   */
  public void gatewayStopped() {
    gatewayStopped = true;
    for (CompletableFuture<ClientReply> reply : waiting.values()) {
      reply.completeExceptionally(ClientGateway.stoppedError());
    }
  }

  <C, R> CompletionStage<R> ask(EntityTypeKey<C, R> key, String entityId, C command, Duration timeout,
      boolean read) {
    long timeoutNanos;
    try {
      timeoutNanos = timeout.toNanos();
    } catch (NullPointerException | ArithmeticException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "the ask's timeout must be a positive duration below 292 years, not " + timeout));
    }
    if (timeoutNanos <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "the ask's timeout must be positive, not " + timeout));
    }
    if (gatewayStopped) {
      return CompletableFuture.failedFuture(ClientGateway.stoppedError());
    }
    byte[] bytes;
    try {
      Serializer s = serialization.findSerializerFor(command);
      bytes = new Envelope(key.name(), entityId, s.identifier(), Serializers.manifestFor(s, command),
          s.toBinary(command)).encode();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (Request.HEADER_BYTES + bytes.length > maxRequestBytes) {
      return CompletableFuture.failedFuture(tooLarge(bytes.length));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new RejectedExecutionException(
          maxInFlight + " entity commands are in flight on this node (chora.client.max-in-flight): retry later"));
    }
    long deadline = System.nanoTime() + timeoutNanos;
    CompletableFuture<R> result = new CompletableFuture<>();
    Session polled = idle.pollFirst();
    if (polled != null) {
      send(polled, key, bytes, read, deadline, result, false);
    } else {
      openAndSend(key, bytes, read, deadline, result, false);
    }
    return result;
  }

  private <C, R> void openAndSend(EntityTypeKey<C, R> key, byte[] bytes, boolean read, long deadline,
      CompletableFuture<R> result, boolean renewed) {
    open(deadline).whenComplete((session, failure) -> {
      if (failure != null) {
        Throwable error = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        inFlight.decrementAndGet();
        result.completeExceptionally(error instanceof TimeoutException ? new TimeoutException(
            "no session could be opened with the Chora group in time: the command was not sent") : error);
      } else {
        send(session, key, bytes, read, deadline, result, renewed);
      }
    });
  }

  /** Opens a session: the replicas assign its id. */
  private CompletableFuture<Session> open(long deadline) {
    return tell(Request.openSession(nextOpeningAddress.getAndDecrement()), false, deadline).thenApply(r -> {
      if (r.status() != ClientReply.Status.OK) {
        throw new IllegalStateException("opening a session was answered " + r.status());
      }
      return new Session(r.openedSessionId());
    });
  }

  /**
   * Sends the command in {@code session}. An idle session may have been forgotten by the replicas
   * meanwhile: a command refused as of an expired session on every attempt was certainly not
   * applied, so it goes once more in a new session ({@code renewed}) before the caller hears of it.
   */
  private <C, R> void send(Session session, EntityTypeKey<C, R> key, byte[] bytes, boolean read, long deadline,
      CompletableFuture<R> result, boolean renewed) {
    tell(new Request(session.clientId, session.nextSeq, bytes), read, deadline).whenComplete((r, error) -> {
      if (error instanceof ChoraSessionExpiredException expired && !expired.mayHaveApplied() && !renewed
          && !gatewayStopped && deadline - System.nanoTime() > 0) {
        openAndSend(key, bytes, read, deadline, result, true);
        return;
      }
      inFlight.decrementAndGet();
      if (error != null) {
        result.completeExceptionally(error instanceof TimeoutException || error instanceof IllegalStateException
            || error instanceof ChoraOverloadedException || error instanceof ChoraSessionExpiredException
            ? error : new TimeoutException("no reply for the entity command: " + error));
        return;
      }
      // Every answered command takes its seq, reads and refusals too (the client table accepts
      // gaps): the gateway may have sent it to two replicas, and a late second answer, matched
      // by client id and seq, must not be taken for the answer to the session's next command.
      session.nextSeq++;
      idle.offerFirst(session);
      switch (r.status()) {
        case OK -> complete(r.result(), result, key);
        case REPLY_TOO_LARGE -> result.completeExceptionally(new IllegalStateException("the command was applied,"
            + " but its reply is larger than a transport frame (pekko.remote.artery.advanced.maximum-frame-size)"
            + " and cannot be delivered: keep the entity's replies smaller"));
        case REQUEST_TOO_LARGE -> result.completeExceptionally(tooLarge(bytes.length));
        // The gateway resends the first two itself, and fails the ask on the third.
        case NOT_ACTIVE, OVERLOADED, SESSION_EXPIRED -> result.completeExceptionally(
            new IllegalStateException("the gateway passed on a " + r.status() + " reply, which it should not have"));
      }
    });
  }

  /** Asks the gateway; the answer fails at once if the gateway has stopped or stops meanwhile. */
  private CompletableFuture<ClientReply> tell(Request request, boolean read, long deadline) {
    CompletableFuture<ClientReply> reply = new CompletableFuture<>();
    long clientId = request.clientId();
    waiting.put(clientId, reply);
    reply.whenComplete((r, error) -> waiting.remove(clientId));
    gateway.tell(new ClientGateway.Ask(request, read, deadline, reply));
    if (gatewayStopped) {
      // Stopped while this ask was on its way: it may sit in a mailbox that will not be read.
      reply.completeExceptionally(ClientGateway.stoppedError());
    }
    return reply;
  }

  /**
   * A client id and the seq of its next command. One command at a time holds it; the idle deque
   * hands it from the thread that completed one command to the one that sends the next.
   */
  private static final class Session {
    final long clientId;
    long nextSeq = 1;

    Session(long clientId) {
      this.clientId = clientId;
    }
  }

  private IllegalArgumentException tooLarge(int encodedBytes) {
    return new IllegalArgumentException("the command is larger than chora.protocol.max-request-bytes ("
        + encodedBytes + " bytes encoded, " + maxRequestBytes + " allowed with the request's header): send"
        + " smaller commands or raise the setting on every replica");
  }

  private <R> void complete(byte[] replyBytes, CompletableFuture<R> result, EntityTypeKey<?, R> key) {
    Envelope reply;
    try {
      reply = Envelope.decode(replyBytes);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    if (reply.isFailure()) {
      result.completeExceptionally(reply.isNotDecoded() ? new EntityCommandNotDecodedException(reply.manifest())
          : new EntityCommandFailedException(reply.manifest()));
      return;
    }
    Object value;
    try {
      value = serialization.deserialize(reply.payload(), reply.serializerId(), reply.manifest()).get();
    } catch (Exception e) {
      // Pekko's Try.get rethrows a checked NotSerializableException: caught here, or the ask would
      // never complete.
      result.completeExceptionally(new IllegalStateException("the command to entity type \"" + key.name()
          + "\" was answered, but its reply could not be decoded here (serializer " + reply.serializerId()
          + ", manifest \"" + reply.manifest() + "\"): " + e.getClass().getSimpleName() + ": " + e.getMessage()
          + " — are the replicas newer than this node?", e));
      return;
    }
    try {
      result.complete(key.replyClass().cast(value));
    } catch (ClassCastException e) {
      result.completeExceptionally(e);
    }
  }
}
