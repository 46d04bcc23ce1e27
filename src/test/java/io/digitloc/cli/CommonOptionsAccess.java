package io.digitloc.cli;

/** Lets tests in other packages reach the package-private --set parsing. */
public final class CommonOptionsAccess {
    private CommonOptionsAccess() {
    }

    public static Object hocon(String key, String value) {
        return CommonOptions.hocon(key, value);
    }
}
