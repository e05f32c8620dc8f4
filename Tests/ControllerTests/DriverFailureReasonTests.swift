@testable import Controller
import DesiredState
import Drivers
import Testing

/// A runtime failure is reported under a named condition reason spelled as the driver's code,
/// so statuses read as they always did; `ImageNotFound` and `RuntimeRejected` are terminal.
@Suite("Driver failures map to condition reasons")
struct DriverFailureReasonTests {
    static let codes: [DriverError.Code] = [.imageNotFound, .portExhausted, .notFound, .conflict, .stale, .unavailable, .rejected]

    @Test("each driver code maps to the reason of the same spelling", arguments: codes)
    func sameSpelling(_ code: DriverError.Code) {
        #expect(code.conditionReason.rawValue == code.rawValue)
    }

    @Test("image not found and rejected are terminal; the rest are retried", arguments: codes)
    func terminal(_ code: DriverError.Code) {
        let failure = Reconciler.classify(DriverError(code, "m"))
        #expect(failure.reason == code.conditionReason)
        #expect(failure.terminal == (code == .imageNotFound || code == .rejected))
    }
}
