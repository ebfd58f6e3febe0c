package dev.chora.examples.counter;

/** Adds {@code by} (possibly negative or zero, to read) to a counter. */
public record Add(long by) {}
