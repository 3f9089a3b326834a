package dev.vectorvault.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: the leading text columns left-aligned (names), every other one right-aligned (numbers), a rule
 * under the header. Only ASCII, so it survives any terminal, log file or copy-paste.
 */
public final class TextTable {
    private static final String GAP = "   ";

    private final int textColumns;
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    /** A table whose first column holds text and the others numbers. */
    public TextTable(String... headers) {
        this(1, headers);
    }

    /** A table whose first {@code textColumns} columns hold text and the others numbers. */
    public TextTable(int textColumns, String... headers) {
        this.textColumns = textColumns;
        this.headers = headers;
    }

    public TextTable row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(cells);
        return this;
    }

    public void print(PrintStream out, String indent) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headers[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println(indent + line(headers, widths));
        String[] rule = new String[headers.length];
        for (int c = 0; c < headers.length; c++) {
            rule[c] = "-".repeat(widths[c]);
        }
        out.println(indent + line(rule, widths));
        for (String[] row : rows) {
            out.println(indent + line(row, widths));
        }
    }

    private String line(String[] cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                text.append(GAP);
            }
            String pad = " ".repeat(widths[c] - cells[c].length());
            text.append(c < textColumns ? cells[c] + pad : pad + cells[c]);
        }
        return text.toString().stripTrailing();
    }
}
