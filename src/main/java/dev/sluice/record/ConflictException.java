package dev.sluice.record;

/**
 * A record whose key the sink already holds from another record: not written (the first one stays), dead-lettered
 * with reason {@code conflict}. A replay of the same record is never a conflict: it is a duplicate, absorbed.
 */
public class ConflictException extends InvalidRecordException {

    public ConflictException(String reason) {
        super(reason);
    }
}
