package dev.sluice.routes;

/** A value of a routes file that cannot be used, with the reason; becomes a {@link Problem} at the value. */
final class RoutesException extends Exception {

    RoutesException(String message) {
        super(message);
    }
}
