/** Placeholder; filled by its issue. */
package io.smainer.client;
