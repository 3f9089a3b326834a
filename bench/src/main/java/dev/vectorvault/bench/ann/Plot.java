package dev.vectorvault.bench.ann;

import java.io.IOException;
import java.nio.file.Path;

/** Draws the recall/queries-per-second curves with {@code plot.py} (Debian's python3-matplotlib). */
final class Plot {
    private Plot() {}

    static void draw(Path python, Path script, Path csv, Path png, ProgressLog log) {
        try {
            Process process = new ProcessBuilder(python.toString(), script.toString(), csv.toString(),
                    png.toString()).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int exit = process.waitFor();
            if (exit != 0) {
                log.note("plot.py exited with %d; the tables above stand without it", exit);
            }
        } catch (IOException e) {
            log.note("could not run plot.py (%s); the tables above stand without it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
