/** The one wiring of generate (when needed), train and evaluate, used by the pipeline and retrain commands. */
package io.digitloc.pipeline;
