package dev.chora.examples.counter;

/** A counter's value after the command. */
public record Total(long value) {}
