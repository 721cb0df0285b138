package dev.sluice.source;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.Route;
import org.apache.camel.component.file.FileEndpoint;

/** What is still waiting in the input directory of a file pipeline. */
public final class FileInputs {

    private FileInputs() {
    }

    /**
     * True when the route reads files and its directory still holds a file it will read (or is reading).
     *
     * @throws UncheckedIOException the directory cannot be listed: whether input waits there is unknown
     */
    public static boolean pending(Route route) {
        return route.getEndpoint() instanceof FileEndpoint file && pending(file, route.getRouteId());
    }

    static boolean pending(FileEndpoint file, String pipeline) {
        File dir = file.getFile();
        String include = file.getInclude();
        Pattern pattern = include == null ? null : Pattern.compile(include);
        try (Stream<Path> files = Files.list(dir.toPath())) {
            return files.anyMatch(p -> Files.isRegularFile(p)
                    && (pattern == null || pattern.matcher(p.getFileName().toString()).matches()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the input directory " + dir + " of pipeline "
                    + pipeline + ": " + e, e);
        }
    }
}
