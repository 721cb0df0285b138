package dev.sluice.record;

/**
 * The acknowledgement of one bounded input (a file, one run of a Java {@code DataSource}): it counts the input's
 * records still in flight, and once the whole input is read and the count is back to zero it runs the completion
 * (for a file: the one that lets Camel move it to the done directory). Until then a file stays where it is, so a
 * crash makes it run again; if a record was abandoned, {@link #failure()} says why and a file stays for the next run.
 */
public final class InputProgress implements Acknowledgement {

    private int inFlight;
    private boolean allRead;
    private Exception failure;
    private Runnable onSettled;

    @Override
    public synchronized void retain() {
        inFlight++;
    }

    @Override
    public void release() {
        Runnable completion;
        synchronized (this) {
            inFlight--;
            completion = takeCompletionIfSettled();
        }
        if (completion != null) {
            completion.run();
        }
    }

    @Override
    public void abandon(Exception cause) {
        synchronized (this) {
            if (failure == null) {
                failure = cause;
            }
        }
        release();
    }

    /** Why some record of the file will not be settled in this run, or null. */
    public synchronized Exception failure() {
        return failure;
    }

    /**
     * The whole file is read. Returns true if its records are all settled already; otherwise {@code completion}
     * runs later, on the thread that settles the last record.
     */
    public synchronized boolean whenSettled(Runnable completion) {
        allRead = true;
        if (inFlight == 0) {
            return true;
        }
        onSettled = completion;
        return false;
    }

    private Runnable takeCompletionIfSettled() {
        if (!allRead || inFlight > 0 || onSettled == null) {
            return null;
        }
        Runnable completion = onSettled;
        onSettled = null;
        return completion;
    }
}
