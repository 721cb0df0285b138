package dev.sluice.record;

/** A record that can never be written as it is: it goes to the dead-letter queue with this reason. */
public class InvalidRecordException extends Exception {

    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
