package dev.sluice.runtime;

/**
 * What a pipeline reads from, as its runtime sees it: what it is, whether its reading can be paused without losing
 * anything, and how to pause, resume and stop it. Made by whoever defines the pipeline (the routes installer, the Java
 * API), so the runtime never guesses it from an endpoint.
 */
public interface PipelineSource {

    /** Where it reads from, as {@code /pipelines} shows it. */
    String endpoint();

    /**
     * True when its reading can be paused and resumed with nothing lost (a directory, a topic); false for records
     * handed in by HTTP senders or Java code, which the error budget never pauses.
     */
    boolean pausable();

    /** How the source runs now: {@code Started}, {@code Suspended}, {@code Stopped}. */
    String status();

    void pause() throws Exception;

    void resume() throws Exception;

    /** Stops the pipeline for good after an error it cannot go on after; it runs again only when started again. */
    void stop() throws Exception;
}
