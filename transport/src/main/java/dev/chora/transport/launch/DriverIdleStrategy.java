package dev.chora.transport.launch;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The idle strategy of the shared media driver's single thread: an Agrona backoff (spin, then
 * yield, then park with a doubling period) whose four parameters come from the system property
 * {@value #PROPERTY} ({@code maxSpins,maxYields,minParkNanos,maxParkNanos}).
 *
 * <p>Why a class: the stand-alone {@code io.aeron.driver.MediaDriver} names its idle strategies
 * by system property, and its {@code backoff} alias has fixed parameters. Aeron instantiates a
 * named class through its no-argument constructor, so the parameters travel as a property. The
 * measured default ({@link MediaDriverProcess.Idle#DEFAULT}) happens to equal that alias; the
 * class keeps the other candidates measurable ({@code TransportProbe --driver-idle}) and lets a
 * deployment with spare cores trade CPU for latency without a code change.
 */
public final class DriverIdleStrategy implements IdleStrategy {

  /** {@code maxSpins,maxYields,minParkNanos,maxParkNanos}. */
  public static final String PROPERTY = "chora.aeron.shared-idle";

  private final BackoffIdleStrategy delegate;

  public DriverIdleStrategy() {
    MediaDriverProcess.Idle idle = MediaDriverProcess.Idle.parse(
        System.getProperty(PROPERTY, MediaDriverProcess.Idle.DEFAULT.property()));
    delegate = new BackoffIdleStrategy(idle.maxSpins(), idle.maxYields(), idle.minParkNanos(), idle.maxParkNanos());
  }

  @Override
  public void idle(int workCount) {
    delegate.idle(workCount);
  }

  @Override
  public void idle() {
    delegate.idle();
  }

  @Override
  public void reset() {
    delegate.reset();
  }

  @Override
  public String alias() {
    return "chora-backoff";
  }
}
