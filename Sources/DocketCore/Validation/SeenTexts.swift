/// The texts seen so far in a selection (order ids, Mirakl line ids), each
/// with what it was first seen with, for the checks that span orders.
///
/// A selection may hold a million orders. `Set` and `Dictionary` hash every
/// text again each time they grow, and for Mirakl's line ids that was a
/// quarter of the checks. This table hashes each text once (with Swift's
/// per-process seed, so no file can be made to collide) and grows from the
/// hashes it kept.
struct SeenTexts<Value: Sendable>: Sendable {
    /// Each text's hash and its position in `texts` and `values`, the
    /// position -1 for a free slot. The hash sits in the slot, so a slot
    /// taken by another text is passed without reading that text.
    private var slots = [Slot](repeating: Slot(hash: 0, position: -1), count: 64)
    private var texts: [String] = []
    private var values: [Value] = []

    /// What `text` was first seen with; nil when it is new, and it is then
    /// kept with `value`.
    mutating func insert(_ text: String, _ value: Value) -> Value? {
        let hash = text.hashValue
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot].position >= 0 {
            let seen = slots[slot]
            if seen.hash == hash && texts[seen.position] == text { return values[seen.position] }
            slot = (slot + 1) & mask
        }
        slots[slot] = Slot(hash: hash, position: texts.count)
        texts.append(text)
        values.append(value)
        if texts.count * 2 > slots.count { grow() }
        return nil
    }

    private mutating func grow() {
        var grown = [Slot](repeating: Slot(hash: 0, position: -1), count: slots.count * 2)
        let mask = grown.count - 1
        for taken in slots where taken.position >= 0 {
            var slot = taken.hash & mask
            while grown[slot].position >= 0 { slot = (slot + 1) & mask }
            grown[slot] = taken
        }
        slots = grown
    }

    private struct Slot: Sendable {
        var hash: Int
        var position: Int
    }
}
