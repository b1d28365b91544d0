/**
 * The Nexus domain and its ports. Everything here depends on the JDK alone: adapters implement the
 * ports, the agent runtime drives them, and no third-party type ever crosses them.
 */
package dev.nexus.core;
