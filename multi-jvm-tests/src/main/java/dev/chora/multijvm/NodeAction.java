package dev.chora.multijvm;

/**
 * Code run inside one node's JVM on the test's request ({@link ChoraNode#run}), as a multi-node
 * test's per-role block: it can use the node's actor system and Chora extension and enter barriers
 * with the other nodes and the test.
 *
 * <p>Instantiated in the node JVM through its public no-argument constructor, once per run; the
 * argument and result are strings so that they cross the process boundary without a serializer.
 */
@FunctionalInterface
public interface NodeAction {

  /**
   * @param node     this node: its actor system, Chora, replica id, barriers
   * @param argument the string given to {@link ChoraNode#run}
   * @return a result handed back to the test (may be null)
   */
  String run(NodeContext node, String argument) throws Exception;
}
