package dev.chora.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code chora} command line: {@code node}, {@code demo}, {@code bench}, {@code kv}, {@code admin}. */
@Command(name = "chora", mixinStandardHelpOptions = true, version = "chora 0.1.0-SNAPSHOT",
    description = "Chora state machine replication on Apache Pekko: run a replica, a local demo or a benchmark;"
        + " use and inspect a running group.",
    subcommands = {NodeCommand.class, DemoCommand.class, BenchCommand.class, KvCli.class, AdminCommand.class,
        ProbeCommand.class, CommandLine.HelpCommand.class})
public final class ChoraCli implements Runnable {
  public static final int BAD_INPUT = 2;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ChoraCli());
    cli.getSubcommands().get("node").getCommandSpec().usageMessage().footer(NodeCommand.footer());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof CliException) {
        err.println(name(commandLine) + ": error: " + e.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      err.println(name(commandLine) + ": failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      if (System.getenv("CHORA_DEBUG") != null) {
        e.printStackTrace(err);
      } else {
        err.println("(set CHORA_DEBUG=1 for the stack trace)");
      }
      err.flush();
      return 1;
    });
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine c = e.getCommandLine();
      PrintWriter err = c.getErr();
      err.println(name(c) + ": error: " + e.getMessage());
      err.println("Try '" + name(c) + " --help'.");
      err.flush();
      return BAD_INPUT;
    });
    return cli;
  }

  /**
   * Initializes SLF4J on this thread before Pekko starts, so that Pekko's first log calls from
   * several threads are not "intercepted and replayed" with a warning from SLF4J.
   */
  public static void initLogging() {
    org.slf4j.LoggerFactory.getILoggerFactory();
  }

  private static String name(CommandLine c) {
    return c.getCommandSpec().qualifiedName();
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
