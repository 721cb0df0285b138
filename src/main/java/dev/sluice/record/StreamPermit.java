package dev.sluice.record;

import java.util.concurrent.Semaphore;

/**
 * The acknowledgement of a record handed to a running stream: its room in the stream was taken when it was handed
 * in, and is given back when the record settles or is abandoned, which is the stream's back-pressure.
 */
public final class StreamPermit implements Acknowledgement {

    private final Semaphore room;

    public StreamPermit(Semaphore room) {
        this.room = room;
    }

    @Override
    public void retain() {
        // the room was taken when the record was handed in
    }

    @Override
    public void release() {
        room.release();
    }

    @Override
    public void abandon(Exception cause) {
        room.release();
    }
}
