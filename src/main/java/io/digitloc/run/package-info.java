/**
 * The files of a run directory and their formats, Spark-free: the history, the metadata, the validation
 * figures and what {@code --resume} finds (the names themselves are {@code core.RunLayout}'s). The train
 * stage writes them; evaluate and retrain read them.
 */
package io.digitloc.run;
