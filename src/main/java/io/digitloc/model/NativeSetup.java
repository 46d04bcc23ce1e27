package io.digitloc.model;

/**
 * Moved to {@link io.digitloc.platform.NativeSetup}; this forwards to it for callers not yet moved.
 */
@Deprecated(forRemoval = true)
public final class NativeSetup {
    public static final String HELPERS_PROPERTY = io.digitloc.platform.NativeSetup.HELPERS_PROPERTY;
    public static final String PLATFORM_EXTENSION = io.digitloc.platform.NativeSetup.PLATFORM_EXTENSION;

    private NativeSetup() {
    }

    public static void configure() {
        io.digitloc.platform.NativeSetup.configure();
    }

    public static void limitThreads(int threads) {
        io.digitloc.platform.NativeSetup.limitThreads(threads);
    }
}
