package dev.chora.multijvm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One TCP connection between the test JVM and a node JVM, carrying requests both ways: the test
 * asks a node for its status, to run an action, to blackhole a link; a node asks the test JVM to
 * enter a barrier.
 *
 * <p>Why a socket of its own rather than Pekko messages: faults are injected into Artery, and the
 * channel that injects them and reads the outcome must not be subject to them; it also works
 * before the node has joined the cluster and after it has been downed.
 *
 * <p>Frames: {@code int length}, then {@code long id, byte kind, UTF op, int n, n x UTF arg,
 * int blobLength, blob}. Replies carry the request's id.
 */
final class ControlChannel implements AutoCloseable {

  /** A request or reply. */
  record Frame(long id, byte kind, String op, List<String> args, byte[] blob) {
    static final byte REQUEST = 1;
    static final byte OK = 2;
    static final byte ERROR = 3;

    String arg(int i) {
      return args.get(i);
    }
  }

  /** A handler's answer: arguments and an optional blob. */
  record Reply(List<String> args, byte[] blob) {
    static Reply of(String... args) {
      return new Reply(List.of(args), new byte[0]);
    }
  }

  /** Thrown when the other side answered a request with an error. */
  static final class RemoteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RemoteFailure(String message) {
      super(message);
    }
  }

  private static final int MAX_FRAME = 64 * 1024 * 1024;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final String peerName;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Function<Frame, CompletionStage<Reply>> handler;

  ControlChannel(Socket socket, String peerName) throws IOException {
    this.socket = socket;
    this.peerName = peerName;
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
  }

  /** Starts reading; {@code requests} answers the other side's requests (on the reader thread or later). */
  void start(Function<Frame, CompletionStage<Reply>> requests) {
    this.handler = requests;
    Thread reader = new Thread(this::readLoop, "chora-multijvm-control-" + peerName);
    reader.setDaemon(true);
    reader.start();
  }

  /** Completes when the connection is gone (the peer died, or either side closed it). */
  CompletableFuture<Void> closedFuture() {
    return closed;
  }

  boolean isOpen() {
    return !closed.isDone();
  }

  /** Sends a request; the future fails with {@link RemoteFailure} on an error reply, or if the channel closes. */
  CompletableFuture<Frame> request(String op, List<String> args, byte[] blob) {
    long id = ids.incrementAndGet();
    CompletableFuture<Frame> f = new CompletableFuture<>();
    pending.put(id, f);
    if (closed.isDone()) {
      pending.remove(id);
      f.completeExceptionally(new IOException("control channel to " + peerName + " is closed"));
      return f;
    }
    try {
      write(new Frame(id, Frame.REQUEST, op, args, blob));
    } catch (IOException e) {
      pending.remove(id);
      f.completeExceptionally(e);
    }
    return f;
  }

  CompletableFuture<Frame> request(String op, String... args) {
    return request(op, List.of(args), new byte[0]);
  }

  private synchronized void write(Frame f) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + f.blob().length);
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeLong(f.id());
    d.writeByte(f.kind());
    d.writeUTF(f.op());
    d.writeInt(f.args().size());
    for (String a : f.args()) {
      writeString(d, a);
    }
    d.writeInt(f.blob().length);
    d.write(f.blob());
    d.flush();
    out.writeInt(bytes.size());
    bytes.writeTo(out);
    out.flush();
  }

  /** Strings may exceed writeUTF's 64 KiB (an action's result, an error with a stack trace). */
  private static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    d.writeInt(b.length);
    d.write(b);
  }

  private static String readString(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > MAX_FRAME) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    d.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void readLoop() {
    try {
      while (true) {
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) {
          throw new IOException("bad frame length " + len + " from " + peerName);
        }
        byte[] body = new byte[len];
        in.readFully(body);
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(body));
        long id = d.readLong();
        byte kind = d.readByte();
        String op = d.readUTF();
        int n = d.readInt();
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          args.add(readString(d));
        }
        byte[] blob = new byte[d.readInt()];
        d.readFully(blob);
        Frame frame = new Frame(id, kind, op, args, blob);
        if (kind == Frame.REQUEST) {
          dispatch(frame);
        } else {
          CompletableFuture<Frame> f = pending.remove(id);
          if (f != null) {
            if (kind == Frame.OK) {
              f.complete(frame);
            } else {
              f.completeExceptionally(new RemoteFailure(peerName + ": " + (args.isEmpty() ? op : args.get(0))));
            }
          }
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      // the peer is gone or we closed: normal end
    } catch (IOException | RuntimeException e) {
      System.err.println("chora multi-jvm: control channel to " + peerName + " failed: " + e);
    } finally {
      shutdown();
    }
  }

  private void dispatch(Frame request) {
    CompletionStage<Reply> answer;
    try {
      answer = handler.apply(request);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((reply, error) -> {
      try {
        if (error == null) {
          write(new Frame(request.id(), Frame.OK, request.op(), reply.args(), reply.blob()));
        } else {
          Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
              ? error.getCause() : error;
          write(new Frame(request.id(), Frame.ERROR, request.op(), List.of(describe(cause)), new byte[0]));
        }
      } catch (IOException e) {
        // the channel is closing; the requester sees that
      }
    });
  }

  static String describe(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  private void shutdown() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    IOException gone = new IOException("control channel to " + peerName + " closed (the node JVM exited?)");
    for (Long id : List.copyOf(pending.keySet())) {
      CompletableFuture<Frame> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(gone);
      }
    }
    closed.complete(null);
  }

  @Override
  public void close() {
    shutdown();
  }
}
