package dev.driftwatch.cli.csv;

import dev.driftwatch.cli.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file (header row, RFC 4180 quoting, strict UTF-8) read as a stream of rows. Every error
 * names the file and line, and the column where there is one.
 *
 * <pre>{@code
 * CsvTable table = CsvTable.open(path);
 * table.forEachRow((line, row) -> use(row.get(0)));
 * }</pre>
 */
public final class CsvTable {
    private static final CSVFormat FORMAT =
            CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    private final Path path;
    private final List<String> header;

    private CsvTable(Path path, List<String> header) {
        this.path = path;
        this.header = header;
    }

    /** Receives each data row with its (last) line number. */
    public interface RowVisitor {
        void row(long line, CSVRecord row);
    }

    /**
     * Opens the file and reads its header.
     *
     * @throws InputException if the file is missing, empty, or its header is not usable
     */
    public static CsvTable open(Path path) {
        if (!Files.exists(path)) {
            throw new InputException(path + ": file not found");
        }
        if (!Files.isRegularFile(path)) {
            throw new InputException(path + ": not a regular file");
        }
        List<String> header = new ArrayList<>();
        try (CSVParser parser = parser(path)) {
            var it = parser.iterator();
            if (!it.hasNext()) {
                throw new InputException(path + ": file is empty (expected a header row)");
            }
            CSVRecord first = it.next();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < first.size(); i++) {
                String name = first.get(i).strip();
                if (i == 0 && name.startsWith("\uFEFF")) {
                    name = name.substring(1);
                }
                if (name.isEmpty()) {
                    throw new InputException(path + ": line 1: column " + (i + 1) + " has no name");
                }
                if (!seen.add(name)) {
                    throw new InputException(
                            path + ": line 1: column '" + name + "' appears twice");
                }
                header.add(name);
            }
        } catch (IOException | UncheckedIOException e) {
            throw readError(path, e);
        }
        return new CsvTable(path, List.copyOf(header));
    }

    public Path path() {
        return path;
    }

    public List<String> header() {
        return header;
    }

    /** Column index of {@code name}, or -1. */
    public int indexOf(String name) {
        return header.indexOf(name);
    }

    /**
     * Streams the data rows (after the header). Rows whose field count differs from the header's
     * are an error.
     *
     * @return the number of data rows
     */
    public long forEachRow(RowVisitor visitor) {
        long rows = 0;
        try (CSVParser parser = parser(path)) {
            var it = parser.iterator();
            if (it.hasNext()) {
                it.next();
            }
            while (it.hasNext()) {
                CSVRecord record = it.next();
                long line = parser.getCurrentLineNumber();
                if (record.size() != header.size()) {
                    throw new InputException(
                            path
                                    + ": line "
                                    + line
                                    + ": expected "
                                    + header.size()
                                    + " fields, found "
                                    + record.size());
                }
                rows++;
                visitor.row(line, record);
            }
        } catch (IOException | UncheckedIOException e) {
            throw readError(path, e);
        }
        if (rows == 0) {
            throw new InputException(path + ": no data rows after the header");
        }
        return rows;
    }

    private static CSVParser parser(Path path) throws IOException {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        Reader reader = new InputStreamReader(Files.newInputStream(path), decoder);
        return CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
    }

    private static InputException readError(Path path, Exception e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof CharacterCodingException) {
                return new InputException(path + ": " + locateInvalidUtf8(path));
            }
            if (cause instanceof NoSuchFileException) {
                return new InputException(path + ": file not found");
            }
            cause = cause.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new InputException(path + ": cannot read CSV: " + message);
    }

    /** Finds the line and byte offset of the first invalid UTF-8 sequence. */
    static String locateInvalidUtf8(Path path) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        long offset = 0;
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        try (InputStream stream = Files.newInputStream(path)) {
            boolean eof = false;
            while (true) {
                if (!eof) {
                    int n = stream.read(in.array(), in.position(), in.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        in.position(in.position() + n);
                    }
                }
                in.flip();
                int start = in.position();
                CoderResult result = decoder.decode(in, out, eof);
                offset += in.position() - start;
                out.flip();
                while (out.hasRemaining()) {
                    if (out.get() == '\n') {
                        line++;
                    }
                }
                out.clear();
                if (result.isError()) {
                    return "line " + line + ": invalid UTF-8 at byte offset " + offset;
                }
                in.compact();
                if (eof && result.isUnderflow()) {
                    return "line " + line + ": invalid UTF-8";
                }
            }
        } catch (IOException e) {
            return "invalid UTF-8";
        }
    }
}
