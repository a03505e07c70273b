package dev.driftwatch.cli;

public class Driftwatch {
    public static void main(String[] a) {}
}
