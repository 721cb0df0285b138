package dev.sluice.api;

/** A stream refused records because it holds as many as it may: the caller should slow down and retry. */
public class StreamFullException extends RuntimeException {

    public StreamFullException(String stream, int capacity) {
        super("Stream " + stream + " is full: " + capacity + " records are waiting to be written");
    }
}
