/** The Smainer SDK: {@link io.smainer.SmainerException}, the root of every exception it throws. */
package io.smainer;
