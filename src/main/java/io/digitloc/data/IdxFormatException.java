package io.digitloc.data;

/** An IDX file is missing, truncated or not what it claims; the message names the file. */
public class IdxFormatException extends RuntimeException {
    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
