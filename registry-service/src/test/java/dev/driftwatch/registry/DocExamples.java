package dev.driftwatch.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The examples the docs and {@code examples/} show, read from the repository, so tests run exactly
 * what a reader copies.
 */
final class DocExamples {
    /** The repository root (tests run in the module's directory). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private DocExamples() {}

    /** A file of {@code examples/}. */
    static String example(String name) {
        return read(ROOT.resolve("examples").resolve(name));
    }

    /**
     * The first {@code ```json} block after the first heading of {@code docs/<doc>} that contains
     * {@code heading}.
     */
    static String jsonBlockAfter(String doc, String heading) {
        List<String> lines = read(ROOT.resolve("docs").resolve(doc)).lines().toList();
        int i = 0;
        while (i < lines.size()
                && !(lines.get(i).startsWith("#") && lines.get(i).contains(heading))) {
            i++;
        }
        while (i < lines.size() && !lines.get(i).strip().equals("```json")) {
            i++;
        }
        StringBuilder block = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
            block.append(lines.get(i)).append('\n');
        }
        if (block.isEmpty()) {
            throw new AssertionError(
                    "docs/" + doc + " has no ```json block after a heading with '" + heading + "'");
        }
        return block.toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
