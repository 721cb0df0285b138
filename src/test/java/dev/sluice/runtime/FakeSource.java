package dev.sluice.runtime;

import java.util.ArrayList;
import java.util.List;

/** A source for unit tests of a runtime: records what it was asked to do, pausable or not. */
public final class FakeSource implements PipelineSource {

    private final boolean pausable;
    public final List<String> asked = new ArrayList<>();
    private volatile String status = "Started";

    public FakeSource(boolean pausable) {
        this.pausable = pausable;
    }

    @Override
    public String endpoint() {
        return "fake";
    }

    @Override
    public boolean pausable() {
        return pausable;
    }

    @Override
    public String status() {
        return status;
    }

    @Override
    public synchronized void pause() {
        asked.add("pause");
        status = "Suspended";
    }

    @Override
    public synchronized void resume() {
        asked.add("resume");
        status = "Started";
    }

    @Override
    public synchronized void stop() {
        asked.add("stop");
        status = "Stopped";
    }
}
