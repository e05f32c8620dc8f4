/// A binary min-heap of (deadline, key). Duplicate keys are allowed; the queue skips stale
/// entries by checking its own deadline map.
struct DeadlineHeap<Deadline: Comparable, Key> {
    private var entries: [(Deadline, Key)] = []

    var peek: Deadline? { entries.first?.0 }
    var count: Int { entries.count }

    mutating func push(_ deadline: Deadline, _ key: Key) {
        entries.append((deadline, key))
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard entries[i].0 < entries[parent].0 else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns the earliest entry if its deadline is at or before `now`.
    mutating func popIfDue(_ now: Deadline) -> (Deadline, Key)? {
        guard let first = entries.first, first.0 <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < entries.count, entries[l].0 < entries[m].0 { m = l }
            if r < entries.count, entries[r].0 < entries[m].0 { m = r }
            if m == i { return }
            entries.swapAt(i, m)
            i = m
        }
    }
}
