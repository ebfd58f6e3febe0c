package dev.chora.multijvm;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * JUnit 5 extension that gives a test class a {@link ChoraCluster}.
 *
 * <pre>{@code
 * class MyEntitiesTest {
 *   @RegisterExtension
 *   static ChoraClusterExtension cluster = ChoraClusterExtension.of(MySetup.class, b -> b.replicas(3));
 *
 *   @Test
 *   void replicates() {
 *     cluster.get().entityRefFor(KEY, "a").ask(...);
 *   }
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field, one cluster serves the whole class (started before the
 * first test, stopped after the last); on an instance field, each test gets a fresh cluster.
 * Test methods may also declare a {@link ChoraCluster} parameter. When a test fails, the locations
 * of every node's log are printed and appended to the failure. Every JVM is stopped at the end,
 * whether the tests pass or fail.
 */
public final class ChoraClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  private final Class<? extends NodeSetup> setup;
  private final UnaryOperator<ChoraCluster.Builder> options;
  private ChoraCluster cluster;
  private boolean perClass;

  private ChoraClusterExtension(Class<? extends NodeSetup> setup, UnaryOperator<ChoraCluster.Builder> options) {
    this.setup = Objects.requireNonNull(setup, "setup");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A cluster of three replicas with the kit's defaults. */
  public static ChoraClusterExtension of(Class<? extends NodeSetup> setup) {
    return new ChoraClusterExtension(setup, b -> b);
  }

  /** A cluster configured by {@code options}, e.g. {@code b -> b.replicas(5).protocol("round-timeout", "10ms")}. */
  public static ChoraClusterExtension of(Class<? extends NodeSetup> setup, UnaryOperator<ChoraCluster.Builder> options) {
    return new ChoraClusterExtension(setup, options);
  }

  /** The running cluster. */
  public ChoraCluster get() {
    if (cluster == null) {
      throw new IllegalStateException("the cluster runs only during the tests of the class that registers it");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    perClass = true;
    cluster = start(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      cluster = start(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private ChoraCluster start(String name) throws Exception {
    return options.apply(ChoraCluster.builder(setup).name(name)).start();
  }

  private void stop() {
    ChoraCluster c = cluster;
    cluster = null;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == ChoraCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return get();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw withLogs(throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw withLogs(throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw withLogs(throwable);
  }

  private Throwable withLogs(Throwable failure) {
    ChoraCluster c = cluster;
    if (c != null) {
      String report = c.logReport();
      System.err.println("chora multi-jvm: the test failed; " + report);
      failure.addSuppressed(new NodeLogs(report));
    }
    return failure;
  }

  /** Attached to a failure: where the node logs are. */
  static final class NodeLogs extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NodeLogs(String report) {
      super(report, null, false, false);
    }
  }
}
