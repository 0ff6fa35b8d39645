/// The texts seen so far in a selection (order ids, Mirakl line ids), each
/// with what it was first seen with, for the checks that span orders.
///
/// A selection may hold a million orders. `Set` and `Dictionary` hash every
/// text again each time they grow, and for Mirakl's line ids that was a
/// quarter of the checks. This table hashes each text once (with Swift's
/// per-process seed, so no file can be made to collide) and grows from the
/// hashes it kept.
struct SeenTexts<Value: Sendable>: Sendable {
    /// Each text's hash (its low 32 bits) and its place in `texts` and
    /// `values` plus one, 0 for a free slot. The hash sits in the slot, so a
    /// slot taken by another text is passed without reading that text.
    /// Eight bytes a slot: with 16, a million-order batch held 50 MiB more
    /// than `Set` while sending (issue 14's 200 MB bound).
    private var slots = [Slot](repeating: Slot(hash: 0, place: 0), count: 64)
    private var texts: [String] = []
    private var values: [Value] = []

    /// What `text` was first seen with; nil when it is new, and it is then
    /// kept with `value`.
    mutating func insert(_ text: String, _ value: Value) -> Value? {
        let hash = UInt32(truncatingIfNeeded: text.hashValue)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while slots[slot].place != 0 {
            let seen = slots[slot]
            if seen.hash == hash && texts[Int(seen.place) - 1] == text { return values[Int(seen.place) - 1] }
            slot = (slot + 1) & mask
        }
        texts.append(text)
        values.append(value)
        slots[slot] = Slot(hash: hash, place: UInt32(texts.count))
        if texts.count * 2 > slots.count { grow() }
        return nil
    }

    private mutating func grow() {
        var grown = [Slot](repeating: Slot(hash: 0, place: 0), count: slots.count * 2)
        let mask = grown.count - 1
        for taken in slots where taken.place != 0 {
            var slot = Int(taken.hash) & mask
            while grown[slot].place != 0 { slot = (slot + 1) & mask }
            grown[slot] = taken
        }
        slots = grown
    }

    private struct Slot: Sendable {
        var hash: UInt32
        var place: UInt32
    }
}
