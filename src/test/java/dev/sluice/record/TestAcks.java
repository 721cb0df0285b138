package dev.sluice.record;

/** Acknowledgements for records made by tests that have no source to acknowledge. */
public final class TestAcks {

    /** Ignores everything: for records whose fate the test checks elsewhere. */
    public static final Acknowledgement NONE = new Acknowledgement() {
        @Override
        public void retain() {
        }

        @Override
        public void release() {
        }

        @Override
        public void abandon(Exception cause) {
        }
    };

    private TestAcks() {
    }
}
