/** Scoring new canvases or pictures with a trained model: a Spark job, a Spark ML {@code Model}, a SQL function. */
package io.digitloc.score;
