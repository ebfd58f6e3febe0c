package dev.chora.examples.cli;

import dev.chora.actors.entity.EntityRef;
import dev.chora.examples.ExampleEntities;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import dev.chora.examples.node.ClusterClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chora kv put|get|delete|cas}: one command to the examples' key-value entity of a running
 * group. Prints one line on stdout; the exit code says how it went (docs/cli.md).
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
    description = {"Reads and writes a running group's key-value store (the examples' kv entity).",
        "One command per call, from a client-node file; prints one line: the value, OK, NOT_FOUND or CONFLICT.",
        "Exit codes: 0 done, 3 NOT_FOUND, 4 CONFLICT (cas), 2 bad input, 1 failed (cluster not joined, or no"
        + " answer within --timeout: a write that timed out may still have been applied)."},
    subcommands = {KvCli.Put.class, KvCli.Get.class, KvCli.Delete.class, KvCli.Cas.class})
public final class KvCli implements Runnable {
  public static final int NOT_FOUND = 3;
  public static final int CONFLICT = 4;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: put, get, delete or cas");
  }

  /** What the subcommands share: the cluster, the entity, sending one command and waiting for its reply. */
  abstract static class Op implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Option(names = "--entity", defaultValue = "default", paramLabel = "ID",
        description = "which key-value entity (each is a separate store; default ${DEFAULT-VALUE})")
    String entity;

    @Spec
    CommandSpec spec;

    abstract KvCommand command();

    /** Whether the command only reads (sent as a linearizable read, not through the log). */
    boolean read() {
      return false;
    }

    /** Prints the reply's one line and returns the exit code. */
    abstract int print(KvReply reply, PrintWriter out);

    static int say(PrintWriter out, String line, int code) {
      out.println(line);
      return code;
    }

    @Override
    public Integer call() throws Exception {
      cluster.validate();
      KvCommand command = command();
      KvReply reply;
      try (ClusterClient client = ClusterClient.connect(cluster.cluster, cluster.timeout)) {
        EntityRef<KvCommand, KvReply> ref = client.chora().entityRefFor(ExampleEntities.KV, entity);
        CompletionStage<KvReply> asked = read() ? ref.askRead(command, cluster.timeout)
            : ref.ask(command, cluster.timeout);
        reply = await(asked);
      }
      PrintWriter out = spec.commandLine().getOut();
      int code = print(reply, out);
      out.flush();
      return code;
    }

    private KvReply await(CompletionStage<KvReply> asked) throws Exception {
      try {
        // The ask times out by itself after --timeout; the margin only guards against a stuck node.
        return asked.toCompletableFuture().get(cluster.timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof TimeoutException) {
          throw new IllegalStateException("no answer from the group within " + BenchCommand.human(cluster.timeout)
              + (read() ? "" : "; the command may still have been applied"), cause);
        }
        throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
      } catch (TimeoutException e) {
        throw new IllegalStateException("no answer from this node's client within "
            + BenchCommand.human(cluster.timeout), e);
      }
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Sets KEY to VALUE. Prints OK.")
  static final class Put extends Op {
    @Parameters(index = "1", paramLabel = "VALUE") String value;

    @Override
    KvCommand command() {
      return new KvCommand.Put(key, value);
    }

    @Override
    int print(KvReply reply, PrintWriter out) {
      return say(out, "OK", 0);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Reads KEY (linearizable). Prints its value, or NOT_FOUND with exit code 3.")
  static final class Get extends Op {

    @Override
    KvCommand command() {
      return new KvCommand.Get(key);
    }

    @Override
    boolean read() {
      return true;
    }

    @Override
    int print(KvReply reply, PrintWriter out) {
      return reply.ok() ? say(out, reply.value(), 0) : say(out, "NOT_FOUND", NOT_FOUND);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Removes KEY. Prints OK, or NOT_FOUND with exit code 3 if it was absent.")
  static final class Delete extends Op {

    @Override
    KvCommand command() {
      return new KvCommand.Delete(key);
    }

    @Override
    int print(KvReply reply, PrintWriter out) {
      return reply.ok() ? say(out, "OK", 0) : say(out, "NOT_FOUND", NOT_FOUND);
    }
  }

  @Command(name = "cas", mixinStandardHelpOptions = true,
      description = {"Sets KEY to VALUE only if it holds EXPECTED now (only if it is absent when EXPECTED is left out).",
          "Prints OK; or, with exit code 4, CONFLICT alone if KEY is absent, else 'CONFLICT ' and its value."
              + " To delete, use delete."})
  static final class Cas extends Op {
    @Parameters(index = "1", paramLabel = "VALUE") String value;
    @Parameters(index = "2", paramLabel = "EXPECTED", arity = "0..1",
        description = "the value KEY must hold; leave out to require that KEY is absent") String expected;

    @Override
    KvCommand command() {
      return new KvCommand.CompareAndSet(key, expected, value);
    }

    @Override
    int print(KvReply reply, PrintWriter out) {
      return reply.ok() ? say(out, "OK", 0)
          : say(out, reply.value() == null ? "CONFLICT" : "CONFLICT " + reply.value(), CONFLICT);
    }
  }
}
