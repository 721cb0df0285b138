package dev.sluice.config;

/**
 * A fault of the configuration that no retry mends: a routes file with a problem (an invalid jq program, an unreadable
 * reference file, ...), a migrations directory that is not there, a database URL Sluice does not write to. Start-up
 * (and {@code run-once}) ends with exit code 2 and this reason; anything else that stops the start is exit code 1.
 */
public class ConfigurationException extends IllegalStateException {

    /** The exit code of a start ended by a configuration fault. */
    public static final int EXIT_CODE = 2;

    public ConfigurationException(String reason) {
        super(reason);
    }

    /** The configuration fault in {@code failure}'s causes, or null. */
    public static ConfigurationException in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException fault) {
                return fault;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
