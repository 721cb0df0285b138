package dev.sluice.source;

/**
 * The acknowledgement of one input file: it counts the file's records still in flight, and once the whole file
 * is read and the count is back to zero it runs the completion that lets Camel move the file to the done
 * directory. Until then the file stays where it is, so a crash makes it run again; if a record was abandoned the
 * file's exchange fails, and the file stays for the next run.
 */
final class FileProgress implements SourceAck {

    static final String PROPERTY = "sluice.fileProgress";

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
    synchronized Exception failure() {
        return failure;
    }

    /**
     * The whole file is read. Returns true if its records are all settled already; otherwise {@code completion}
     * runs later, on the thread that settles the last record.
     */
    synchronized boolean whenSettled(Runnable completion) {
        allRead = true;
        if (inFlight == 0) {
            return true;
        }
        onSettled = completion;
        return false;
    }

    synchronized int inFlight() {
        return inFlight;
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
