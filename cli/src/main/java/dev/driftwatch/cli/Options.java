package dev.driftwatch.cli;

/** Checks shared by several subcommands' options. */
final class Options {
    private Options() {}

    static void requireBins(int bins) {
        if (bins < 2 || bins > 1000) {
            throw new InputException("--bins must be between 2 and 1000, was " + bins);
        }
    }
}
