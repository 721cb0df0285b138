package dev.sluice.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The directories under which a routes file may name paths ({@code sluice.security.file-roots}). A path is compared as
 * the file system will resolve it: symbolic links followed (the real path of its longest existing part, the rest
 * appended), so a link inside a root that points elsewhere is outside.
 */
public record FileRoots(List<Path> roots) {

    public static FileRoots of(List<String> roots) {
        return new FileRoots(roots.stream().map(Path::of).toList());
    }

    /** Why {@code path} may not be used, or null when it lies under a root. */
    public String outside(Path path) {
        Path real = resolved(path);
        for (Path root : roots) {
            if (real.startsWith(resolved(root))) {
                return null;
            }
        }
        return path + " is outside the file roots " + roots + " (sluice.security.file-roots)"
                + (real.equals(path.toAbsolutePath().normalize()) ? "" : ": it resolves to " + real);
    }

    /** The path as the file system resolves it: the real path of its longest existing part, the rest appended. */
    static Path resolved(Path path) {
        Path existing = path.toAbsolutePath().normalize();
        Deque<Path> rest = new ArrayDeque<>();
        while (existing.getParent() != null && !Files.exists(existing)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            real = existing;
        }
        for (Path name : rest) {
            real = real.resolve(name);
        }
        return real;
    }
}
