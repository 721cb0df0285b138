package dev.sluice.record;

/** A custom stage threw: carries the stage's name to the dead-letter entry. */
public class StageException extends Exception {

    private final String stage;

    public StageException(String stage, Throwable cause) {
        super("stage " + stage + " failed: " + cause, cause);
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }
}
