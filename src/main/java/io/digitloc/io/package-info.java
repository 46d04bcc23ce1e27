/**
 * Plumbing shared by every stage: Hadoop-filesystem file operations with atomic publish
 * ({@link io.digitloc.io.Files}), JSON, build information and Spark session creation.
 */
package io.digitloc.io;
