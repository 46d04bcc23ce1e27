package io.digitloc.model;

/** A model file is missing, unreadable, not a model, or does not fit the data. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
