package io.digitloc.config;

/** A setting is missing, malformed or impossible; the message names the setting and what was expected. */
public class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
