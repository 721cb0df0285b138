package dev.sluice.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.jboss.logging.Logger;

/**
 * The file filter of every file pipeline: a symbolic link in an input directory is never followed (it could point
 * at any file the service can read), only logged, once, and left where it is.
 */
@ApplicationScoped
@Named(NoSymlinks.NAME)
public class NoSymlinks implements GenericFileFilter<Object> {

    static final String NAME = "sluiceNoSymlinks";
    private static final Logger LOG = Logger.getLogger(NoSymlinks.class);

    private final Set<Path> reported = ConcurrentHashMap.newKeySet();

    @Override
    public boolean accept(GenericFile<Object> file) {
        Path path = Path.of(file.getAbsoluteFilePath());
        if (Files.isSymbolicLink(path)) {
            if (reported.add(path)) {
                LOG.warnf("Skipped %s: a symbolic link; input files must be regular files", path);
            }
            return false;
        }
        return true;
    }
}
