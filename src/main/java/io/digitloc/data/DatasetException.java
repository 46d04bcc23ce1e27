package io.digitloc.data;

/** A generated dataset is missing, incomplete, of the wrong shape or does not match the settings. */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
