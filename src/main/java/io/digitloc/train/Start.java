package io.digitloc.train;

/**
 * How a run begins.
 *
 * @param resume         continue from the last checkpoint of an interrupted run of the same model dir
 * @param warmStartModel a model zip whose parameters initialise the network (null = fresh weights)
 */
public record Start(boolean resume, String warmStartModel) {
    public static final Start FRESH = new Start(false, null);
}
