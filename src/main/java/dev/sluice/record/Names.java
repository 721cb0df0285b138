package dev.sluice.record;

/** The name a source, sink or stage gives when its class has no readable one (a lambda, an anonymous class). */
public final class Names {

    private Names() {
    }

    public static String readable(Class<?> type, String fallback) {
        String simple = type.getSimpleName();
        return type.isSynthetic() || type.isAnonymousClass() || simple.isEmpty() || simple.contains("$$Lambda")
                ? fallback : simple;
    }
}
