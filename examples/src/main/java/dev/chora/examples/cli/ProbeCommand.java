package dev.chora.examples.cli;

import dev.chora.transport.probe.TransportProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code chora probe}: chora-transport's transport probe (round trips and idle CPU per transport). */
@Command(name = "probe",
    description = {"Measures the transports themselves: Artery round trips between two JVMs and their idle CPU,",
        "for tcp, aeron-shared and aeron-embedded (chora-transport's TransportProbe). 'chora probe --help' lists",
        "its options."})
public final class ProbeCommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    TransportProbe.Options options;
    try {
      options = TransportProbe.Options.parse(args.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      if (args.contains("--help") || args.contains("-h")) {
        System.out.println(e.getMessage());
        return 0;
      }
      String first = e.getMessage() == null ? "bad arguments" : e.getMessage().split("\n", 2)[0];
      throw new CliException(first + " (try 'chora probe --help')", e);
    }
    TransportProbe.Report report = TransportProbe.run(options, System.out);
    System.out.println();
    System.out.print(report.table());
    return 0;
  }
}
