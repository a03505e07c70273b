package dev.driftwatch.cli;

/** Bad user input (file, line, column): printed as one line, exit code 2. */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }
}
