import Foundation

/// Hands out host ports from a range, one per engine, so an engine keeps its port (and URL)
/// for as long as it exists.
///
/// The driver passes the ports it sees in use (from `list()`); the allocator adds its own
/// recent reservations, which cover engines being created right now whose labels or metadata
/// are not visible yet. A reservation is forgotten when the engine is removed, or once it is
/// older than `reservationTTL` and not seen in use (the create failed or someone else removed
/// it). An engine that asks again gets its own reservation back.
actor PortAllocator {
    let range: ClosedRange<Int>
    let reservationTTL: Duration
    private var reservations: [Int: (engineID: UUID, at: ContinuousClock.Instant)] = [:]

    init(range: ClosedRange<Int>, reservationTTL: Duration = .seconds(120)) {
        self.range = range
        self.reservationTTL = reservationTTL
    }

    /// The lowest free port for `engineID`: not in `inUse`, not reserved, and accepted by
    /// `isFree` (a bind probe in the drivers). Throws `.portExhausted` when every port is used.
    func reserve(for engineID: UUID, inUse: Set<Int>, isFree: (Int) -> Bool = { _ in true }) throws(DriverError) -> Int {
        let now = ContinuousClock.now
        if let mine = reservations.first(where: { $0.value.engineID == engineID })?.key { return mine }
        reservations = reservations.filter { port, entry in inUse.contains(port) || now - entry.at < reservationTTL }
        guard let port = range.first(where: { !inUse.contains($0) && reservations[$0] == nil && isFree($0) }) else {
            throw DriverError(.portExhausted, "No free engine port is left in \(range.lowerBound)-\(range.upperBound).")
        }
        reservations[port] = (engineID, now)
        return port
    }

    /// Forgets the engine's reservation (after remove, or a create that failed for good).
    func release(engineID: UUID) {
        reservations = reservations.filter { $0.value.engineID != engineID }
    }
}
