package dev.runnel.sync;

/**
 * A value and whether it was found: Go's two results {@code (value, loaded)} from {@link
 * SyncMap#loadOrStore}, {@link SyncMap#loadAndDelete} and {@link SyncMap#swap}.
 *
 * <p>Go: {@code actual, loaded := m.LoadOrStore(k, v)}, {@code value, loaded :=
 * m.LoadAndDelete(k)}, {@code previous, loaded := m.Swap(k, v)}.
 *
 * @param value the value the operation returns (see each method); {@code null} when {@code
 *     loaded} is false, except for {@code loadOrStore}, which then returns the value it stored
 * @param loaded true if the key was present before the operation
 * @param <V> the value type
 */
public record Loaded<V>(V value, boolean loaded) {}
